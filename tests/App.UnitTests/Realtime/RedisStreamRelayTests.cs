using App.Realtime;
using App.Realtime.Redis;
using App.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace App.UnitTests.Realtime;

/// <summary>The relay stream on a real Redis: an instance cut off from Redis catches up on what it missed, in order
/// and once; an event published again (an outbox retry) is routed once; a Redis that restarted empty makes every
/// connection hear that it missed events.</summary>
public sealed class RedisStreamRelayTests
{
    [Fact]
    public async Task An_instance_cut_off_from_Redis_catches_up_on_every_event_in_order_once_it_is_back()
    {
        var prefix = "stream-" + Guid.NewGuid().ToString("N")[..8];
        var redis = TestEnvironment.RedisUrl;
        var colon = redis.LastIndexOf(':');
        await using var cable = new TcpRelay(redis[..colon], int.Parse(redis[(colon + 1)..]));
        cable.Start();
        await using var a = await Node.StartAsync(redis, prefix);
        await using var b = await Node.StartAsync($"127.0.0.1:{cable.Port}", prefix);
        var tab = b.Listen();

        Assert.True(await Publish(a, 0));
        await Eventually.TrueAsync(() => tab.Received.Count == 1, TimeSpan.FromSeconds(10));
        cable.Stop();
        for (var i = 1; i <= 50; i++) Assert.True(await Publish(a, i));
        cable.Start();

        await Eventually.TrueAsync(() => tab.Received.Count >= 51, TimeSpan.FromSeconds(15));
        Assert.Equal(Enumerable.Range(0, 51), tab.Received.Select(e => e.Payload.GetProperty("n").GetInt32()));
        // Published again (as the outbox sweep does): routed nowhere a second time.
        var again = tab.Received.Last() with { Sequence = 0, Instance = null };
        Assert.True(await a.Publisher.PublishOnceAsync(again));
        await Task.Delay(300);
        Assert.Equal(51, tab.Received.Count);
    }

    [Fact]
    public async Task When_Redis_restarts_empty_every_connection_is_told_it_missed_events_and_delivery_resumes()
    {
        await using var redis = await TestRedis.StartAsync();
        var prefix = "stream-" + Guid.NewGuid().ToString("N")[..8];
        await using var a = await Node.StartAsync(redis.Url, prefix);
        await using var b = await Node.StartAsync(redis.Url, prefix);
        var tab = b.Listen();
        Assert.True(await Publish(a, 1));
        await Eventually.TrueAsync(() => tab.Received.Count == 1, TimeSpan.FromSeconds(10));

        await redis.StopAsync();
        await redis.StartAgainAsync();
        await Eventually.TrueAsync(() => tab.MissedNotices > 0, TimeSpan.FromSeconds(15));
        // A's sender reconnects too: an event it relays is read by B from the new stream.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await Publish(a, 2))
        {
            Assert.True(DateTime.UtcNow < deadline, "A could not relay after the restart");
            await Task.Delay(100);
        }
        await Eventually.TrueAsync(() => tab.Received.Count == 2, TimeSpan.FromSeconds(10));
    }

    private static Task<bool> Publish(Node node, int n) => node.Publisher.PublishOnceAsync(new RealtimeEvent
    {
        Id = Guid.NewGuid().ToString("N"), Name = "tests.stream.event", Topic = RealtimeTopics.Global, OccurredAt = DateTimeOffset.UtcNow,
        Payload = System.Text.Json.JsonSerializer.SerializeToElement(new { n }),
    });

    private sealed class Node : IAsyncDisposable
    {
        private readonly ServiceProvider services;
        private readonly IHostedService[] hosted;

        private Node(ServiceProvider services)
        {
            this.services = services;
            hosted = services.GetServices<IHostedService>().ToArray();
        }

        public static async Task<Node> StartAsync(string url, string prefix)
        {
            var collection = new ServiceCollection();
            collection.AddLogging();
            collection.AddRealtime().AddRedis(o =>
            {
                o.Url = url;
                o.Prefix = prefix;
                o.RelayKey = AppProcess.TestRelayKey;
            });
            var node = new Node(collection.BuildServiceProvider());
            foreach (var service in node.hosted) await service.StartAsync(CancellationToken.None);
            // Reading starts at the stream's end once connected: wait for it, so the first event is not "before".
            await Eventually.TrueAsync(() => node.services.GetRequiredService<RedisConnection>().IsConnected, TimeSpan.FromSeconds(10));
            await Task.Delay(200);
            return node;
        }

        public IRealtimePublisher Publisher => services.GetRequiredService<IRealtimePublisher>();

        public RecordingConnection Listen()
        {
            var connection = new RecordingConnection("tab-" + Guid.NewGuid().ToString("N")[..6]);
            services.GetRequiredService<RealtimeAudience>().Register(connection, null, [RealtimeTopics.Global]);
            return connection;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var service in hosted.Reverse()) await service.StopAsync(CancellationToken.None);
            await services.DisposeAsync();
        }
    }
}
