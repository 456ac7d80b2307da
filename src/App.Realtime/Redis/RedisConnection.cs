using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace App.Realtime.Redis;

/// <summary>
/// The one Redis connection of this instance (the realtime relay, and the app's own uses such as single-use tokens). It never
/// blocks start-up: with Redis down the app starts, serves local delivery and reconnects by itself. State changes
/// are logged once each ("unreachable", "reconnected"), never per event.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly ILogger<RedisConnection> logger;
    private readonly Lazy<Task<ConnectionMultiplexer>> multiplexer;
    private readonly int staleFailureWindowMs;
    private int reportedDown;
    private long restoredAt = long.MinValue / 2;

    public RedisConnection(IOptions<RealtimeRedisOptions> redisOptions, ILogger<RedisConnection> logger)
    {
        this.logger = logger;
        var settings = redisOptions.Value;
        Prefix = settings.Prefix;
        Address = RedisAddress.Describe(settings.Url);
        var options = RedisAddress.Parse(settings.Url);
        options.AbortOnConnectFail = false;
        options.ConnectRetry = 1;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 2000;
        options.AsyncTimeout = 2000;
        options.ReconnectRetryPolicy = new LinearRetry(1000);
        // A command queued while Redis was down can still fail up to one timeout after the connection is back.
        staleFailureWindowMs = options.AsyncTimeout + 500;
        options.ClientName = settings.ClientName;
        multiplexer = new(() => ConnectAsync(options));
    }

    /// <summary>Raised once when Redis is reachable again after an outage (on a Redis thread: hand work off).
    /// Audience changes made on other instances meanwhile may have been missed; see <see cref="AudienceResyncAfterOutage"/>.</summary>
    public event Action? Restored;

    public string Prefix { get; }
    public string Address { get; }

    public bool IsConnected => multiplexer.IsValueCreated && multiplexer.Value.IsCompletedSuccessfully && multiplexer.Value.Result.IsConnected;

    public Task<ConnectionMultiplexer> GetAsync() => multiplexer.Value;

    public RedisChannel Channel(string name) => RedisChannel.Literal($"{Prefix}:{name}");

    public RedisKey Key(string name) => $"{Prefix}:{name}";

    private async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions options)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        connection.ConnectionFailed += (_, e) => ReportDown(e.Exception?.Message ?? e.FailureType.ToString());
        connection.ConnectionRestored += (_, _) =>
        {
            Volatile.Write(ref restoredAt, Environment.TickCount64);
            if (Interlocked.Exchange(ref reportedDown, 0) != 1) return;
            logger.LogWarning("Redis at {Address} is reachable again: cross-instance realtime delivery resumed", Address);
            Restored?.Invoke();
        };
        if (!connection.IsConnected) ReportDown("not reachable at start-up");
        else logger.LogInformation("Realtime fan-out through Redis at {Address} (prefix {Prefix})", Address, Prefix);
        return connection;
    }

    /// <summary>Logs the outage once; called by the connection events and by failed operations.</summary>
    public void ReportDown(string reason)
    {
        // A command sent before the connection came back (waiting in StackExchange.Redis' backlog) fails after it is
        // back: that is the outage just over, not a new one (it would log "unreachable" with Redis up, and stay marked
        // down, so the next real outage would not be logged).
        if (IsConnected && Environment.TickCount64 - Volatile.Read(ref restoredAt) < staleFailureWindowMs) return;
        if (Interlocked.Exchange(ref reportedDown, 1) == 0)
            logger.LogError("Redis at {Address} is unreachable ({Reason}): serving local delivery only until it is back", Address, reason);
    }

    public async ValueTask DisposeAsync()
    {
        if (multiplexer.IsValueCreated && multiplexer.Value.IsCompletedSuccessfully) await multiplexer.Value.Result.DisposeAsync();
    }
}

/// <summary>Settings of the Redis relay (<c>.AddRedis(o => ...)</c>).</summary>
public sealed class RealtimeRedisOptions
{
    /// <summary><c>host:port</c>, StackExchange.Redis options, or <c>redis://[:password@]host:port[/db]</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary>Prefixes every channel and key, so several apps can share one Redis.</summary>
    public string Prefix { get; set; } = "realtime";

    public string ClientName { get; set; } = "app-realtime";

    /// <summary>The secret every instance signs relay messages with and checks them against (at least
    /// <see cref="RelaySignature.MinimumKeyLength"/> characters; the same on every instance). Required: without it
    /// anyone who can publish on Redis could add users to other workspaces' audiences.</summary>
    public string RelayKey { get; set; } = "";

    /// <summary>About how many entries the relay stream keeps (XADD MAXLEN ~): how far an instance that could not
    /// read (cut off from Redis while others were not) can fall behind and still catch up. Past it, it is told it
    /// missed events.</summary>
    public int StreamMaxLength { get; set; } = 10_000;

    /// <summary>How long an idle reader waits before asking the stream again (the relay's added latency at most).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Entries signed longer ago than this are refused as replays (the recent-id set refuses newer repeats).</summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromMinutes(5);
}
