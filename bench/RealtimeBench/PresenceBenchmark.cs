using System.Collections.Concurrent;
using System.Diagnostics;
using App.Realtime;
using App.Realtime.Presence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace RealtimeBench;

/// <summary>
/// Presence join/leave latency and the expiry of a dead instance's entries. With a Redis URL: two instances sharing
/// Redis, the join made on A and observed by a connection on B (store write, relay, routing); without: one instance
/// in memory. Latency = from the TrackAsync / DisposeAsync call to the presence.changed event that shows it arriving
/// at the observer. Expiry: an instance that tracked and then never renewed (crashed), observed from a live one.
/// </summary>
public static class PresenceBenchmark
{
    public sealed record Result(string Store, int Samples, double JoinP50, double JoinP99, double JoinMax,
        double LeaveP50, double LeaveP99, double LeaveMax, double[] ExpirySeconds);

    public static async Task<Result> RunAsync(string? redisUrl, int samples, int expiryRuns)
    {
        var prefix = "bench-presence-" + Guid.NewGuid().ToString("N")[..8];
        await using var a = await Instance.StartAsync(redisUrl, prefix, start: true);
        await using var b = redisUrl is null ? a : await Instance.StartAsync(redisUrl, prefix, start: true);
        var observer = new Observer();
        const string topic = "workspace:bench-presence";
        b.Audience.Register(observer, "observer", [topic, "workspace:bench-expiry-0", "workspace:bench-expiry-1", "workspace:bench-expiry-2",
            "workspace:bench-expiry-3", "workspace:bench-expiry-4"]);
        if (redisUrl is not null) await observer.WaitRelayAsync(a);

        var joins = new List<double>();
        var leaves = new List<double>();
        for (var i = 0; i < samples + 10; i++)
        {
            var key = $"user-{i}";
            var joined = observer.When(topic, s => s.Contains(key));
            var clock = Stopwatch.StartNew();
            var tracking = await a.Presence.TrackAsync(topic, key, new PresenceMeta($"User {i}"), $"c-{i}");
            await joined;
            var joinMs = clock.Elapsed.TotalMilliseconds;
            var left = observer.When(topic, s => !s.Contains(key));
            clock.Restart();
            await tracking.DisposeAsync();
            await left;
            if (i < 10) continue; // warm-up
            joins.Add(joinMs);
            leaves.Add(clock.Elapsed.TotalMilliseconds);
        }

        var expiry = new List<double>();
        if (redisUrl is not null)
        {
            // Default timings (heartbeat 5 s, timeout 15 s); each crashed entry on its own topic, all at once.
            await using var dead = await Instance.StartAsync(redisUrl, prefix, start: false);
            var runs = Enumerable.Range(0, Math.Min(expiryRuns, 5)).Select(async n =>
            {
                var expiryTopic = $"workspace:bench-expiry-{n}";
                await Task.Delay(n * 1000); // spread over the heartbeat cycle
                await dead.Presence.TrackAsync(expiryTopic, "ghost", new PresenceMeta("Ghost"), $"c-ghost-{n}");
                var clock = Stopwatch.StartNew();
                await observer.When(expiryTopic, s => s.Version > 0 && !s.Contains("ghost"), TimeSpan.FromSeconds(60));
                return clock.Elapsed.TotalSeconds;
            });
            expiry.AddRange(await Task.WhenAll(runs));
        }
        return new Result(redisUrl is null ? "memory" : "redis, 2 instances", joins.Count,
            Percentile(joins, 0.5), Percentile(joins, 0.99), joins.Max(), Percentile(leaves, 0.5), Percentile(leaves, 0.99), leaves.Max(),
            [.. expiry]);
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    private sealed class Instance : IAsyncDisposable
    {
        private readonly ServiceProvider services;
        private readonly IHostedService[] hosted;

        private Instance(ServiceProvider services, bool start)
        {
            this.services = services;
            hosted = start ? services.GetServices<IHostedService>().ToArray() : [];
        }

        // Both instances of a run sign their relay messages with the same key, as real instances do.
        private static readonly string RelayKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        public static async Task<Instance> StartAsync(string? redisUrl, string prefix, bool start)
        {
            var collection = new ServiceCollection();
            collection.AddLogging();
            var builder = collection.AddRealtime();
            if (redisUrl is not null) builder.AddRedis(o => { o.Url = redisUrl; o.Prefix = prefix; o.RelayKey = RelayKey; });
            var instance = new Instance(collection.BuildServiceProvider(), start);
            foreach (var service in instance.hosted) await service.StartAsync(CancellationToken.None);
            return instance;
        }

        public IPresence Presence => services.GetRequiredService<IPresence>();
        public RealtimeAudience Audience => services.GetRequiredService<RealtimeAudience>();
        public IRealtimePublisher Publisher => services.GetRequiredService<IRealtimePublisher>();

        public async ValueTask DisposeAsync()
        {
            foreach (var service in hosted.Reverse()) await service.StopAsync(CancellationToken.None);
            await services.DisposeAsync();
        }
    }

    /// <summary>A connection on the observing instance: completes waits when a presence state matching them arrives.</summary>
    private sealed class Observer : IRealtimeConnection
    {
        private readonly ConcurrentDictionary<TaskCompletionSource, (string Topic, Func<PresenceState, bool> Done)> waits = new();
        private volatile bool relayed;

        public string ConnectionId => "bench-observer";

        public void Deliver(RealtimeEvent realtimeEvent)
        {
            if (realtimeEvent.Name == "bench.relay.ready") relayed = true;
            if (realtimeEvent.Name != PresenceEvents.Changed || realtimeEvent.PayloadAs<PresenceState>() is not { } state) return;
            foreach (var (done, wait) in waits)
                if (wait.Topic == state.Topic && wait.Done(state) && waits.TryRemove(done, out _)) done.TrySetResult();
        }

        public Task When(string topic, Func<PresenceState, bool> done, TimeSpan? within = null)
        {
            var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waits[completion] = (topic, done);
            return completion.Task.WaitAsync(within ?? TimeSpan.FromSeconds(10));
        }

        public async Task WaitRelayAsync(Instance from)
        {
            for (var attempt = 0; !relayed; attempt++)
            {
                if (attempt > 100) throw new TimeoutException("the Redis relay never delivered");
                from.Publisher.Publish(new RealtimeEvent
                {
                    Name = "bench.relay.ready", Topic = RealtimeTopics.Global,
                    Payload = System.Text.Json.JsonSerializer.SerializeToElement(new { }),
                });
                await Task.Delay(100);
            }
        }
    }
}
