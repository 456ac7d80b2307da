using App.Realtime;
using App.Realtime.Presence;
using App.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace App.UnitTests.Realtime.Presence;

/// <summary>One app instance's realtime layer with presence, in memory or on the real Redis of ./scripts/test.sh
/// (TEST_REDIS_URL; missing, the test fails). Instances given the same prefix share Redis presence.</summary>
public sealed class PresenceInstance : IAsyncDisposable
{
    private readonly ServiceProvider services;
    private readonly IHostedService[] hosted;

    private PresenceInstance(ServiceProvider services, bool start, bool relay)
    {
        this.services = services;
        hosted = !start ? []
            : relay ? services.GetServices<IHostedService>().ToArray()
            : services.GetServices<IHostedService>().OfType<RealtimePresence>().ToArray<IHostedService>();
    }

    public const string Memory = "memory";
    public const string Redis = "redis";

    public static TheoryData<string> Stores => new() { Memory, Redis };

    /// <summary><paramref name="start"/> false: no heartbeat, no sweep, no relay (an instance that is about to die).</summary>
    public static Task<PresenceInstance> StartAsync(string store, string prefix, TimeSpan? heartbeat = null,
        TimeSpan? timeout = null, bool start = true) =>
        StartAsync(store, prefix, heartbeat, timeout, start, redisUrl: null, wrapStore: null);

    /// <summary>As above, without the relay: presence heartbeats, but this instance hears no other instance's events
    /// (what a relay still resubscribing after an outage hears).</summary>
    internal static Task<PresenceInstance> StartDeafAsync(string prefix, TimeSpan heartbeat, TimeSpan timeout, string redisUrl) =>
        StartAsync(Redis, prefix, heartbeat, timeout, start: true, redisUrl, wrapStore: null, relay: false);

    /// <summary>As above, on the Redis at <paramref name="redisUrl"/> (default the shared test Redis) and with the store
    /// wrapped by <paramref name="wrapStore"/> (to catch a store call mid-flight).</summary>
    internal static async Task<PresenceInstance> StartAsync(string store, string prefix, TimeSpan? heartbeat, TimeSpan? timeout,
        bool start, string? redisUrl, Func<IPresenceStore, IPresenceStore>? wrapStore, bool relay = true)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        var builder = collection.AddRealtime();
        if (store == Redis)
        {
            var url = redisUrl ?? TestEnvironment.RedisUrl;
            builder.AddRedis(o =>
            {
                o.Url = url;
                o.Prefix = prefix;
                o.RelayKey = AppProcess.TestRelayKey;
            });
        }
        builder.ConfigurePresence(o =>
        {
            o.HeartbeatInterval = heartbeat ?? TimeSpan.FromSeconds(5);
            o.Timeout = timeout ?? TimeSpan.FromSeconds(15);
        });
        if (wrapStore is not null)
        {
            var inner = collection.Last(d => d.ServiceType == typeof(IPresenceStore));
            collection.Remove(inner);
            collection.AddSingleton(sp => wrapStore((IPresenceStore)ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!)));
        }
        var instance = new PresenceInstance(collection.BuildServiceProvider(), start, relay);
        foreach (var service in instance.hosted) await service.StartAsync(CancellationToken.None);
        return instance;
    }

    public static string NewPrefix() => "presence-test-" + Guid.NewGuid().ToString("N")[..10];

    public IPresence Presence => services.GetRequiredService<IPresence>();
    internal RealtimePresence Engine => services.GetRequiredService<RealtimePresence>();
    public RealtimeAudience Audience => services.GetRequiredService<RealtimeAudience>();
    public IRealtimePublisher Publisher => services.GetRequiredService<IRealtimePublisher>();

    /// <summary>A connection of this instance that hears <paramref name="topics"/>.</summary>
    public RecordingConnection Listen(string id, params string[] topics)
    {
        var connection = new RecordingConnection(id);
        Audience.Register(connection, "listener-" + id, topics);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in hosted.Reverse()) await service.StopAsync(CancellationToken.None);
        await services.DisposeAsync();
    }
}

internal static class PresenceEventsReceived
{
    /// <summary>The newest presence state this connection was sent for <paramref name="topic"/>.</summary>
    public static PresenceState? LastPresence(this RecordingConnection connection, string topic) => connection.Received
        .Where(e => e.Name == PresenceEvents.Changed && e.Topic == topic)
        .Select(e => e.PayloadAs<PresenceState>()!)
        .OrderBy(s => s.Version)
        .LastOrDefault();
}
