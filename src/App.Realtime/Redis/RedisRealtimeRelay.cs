using System.Buffers.Binary;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace App.Realtime.Redis;

/// <summary>
/// Carries realtime events between app instances on a Redis stream (<c>{prefix}:realtime:stream</c>), which, unlike
/// pub/sub, keeps what was sent while an instance could not read: each instance appends its events (XADD, trimmed
/// to about <see cref="RealtimeRedisOptions.StreamMaxLength"/> entries) and reads every entry from its own position
/// (XREAD; no consumer group, since every instance wants every event), so after an outage it catches up from where
/// it stopped. When that is impossible (Redis restarted and lost the stream, or trimmed entries not yet read) every
/// local connection is told it missed events (circuits' <c>onMissed</c>, the hub's <c>realtime.missed</c>, SSE's
/// <c>reset</c>), and <see cref="RealtimeRelayGaps"/> hears from when, so the app's outbox sends those events again.
/// Start-up never waits for Redis. Sending never blocks the publisher: events go through a bounded queue to one
/// sender, which pipelines them. While Redis is down, events still reach this instance's clients; those that could
/// not cross are counted (realtime.relay_failures), and <see cref="IRealtimeRelay.SendConfirmedAsync"/> tells the
/// caller (the app's outbox sends them again).
/// Every entry is signed with the send time (<see cref="RelaySignature"/>); one that is unsigned, forged or older
/// than <see cref="RealtimeRedisOptions.ReplayWindow"/> is dropped and counted (realtime.relay_rejected), and an
/// event id already routed is dropped by the publisher (realtime.duplicates).
/// </summary>
public sealed class RedisRealtimeRelay(RedisConnection redis, RealtimeAudience audience, RealtimeRelayGaps gaps,
    IOptions<RealtimeRedisOptions> options, RealtimeMetrics metrics, TimeProvider clock, ILogger<RedisRealtimeRelay> logger) : IRealtimeRelay, IHostedService
{
    /// <summary>The one field of a stream entry: MAC, send time, event JSON.</summary>
    public const string EntryField = "m";
    private const string Start = "0-0";
    private const int ReadBatch = 512;
    private static readonly TimeSpan RejectionLogEvery = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(500);
    private readonly RealtimeRedisOptions settings = options.Value;
    private readonly Channel<Outgoing> outbox = Channel.CreateBounded<Outgoing>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource stopping = new();
    private RedisKey stream;
    private RedisKey epoch;
    private RelaySignature signature = null!;
    private long lastRejectionLogged = -(long)RejectionLogEvery.TotalMilliseconds;
    private long rejectedSinceLog;
    private Task? sender;
    private Task? reader;
    // Set when the connection came back (or a read failed): the next read first checks the stream is still the one
    // this instance was reading.
    private volatile bool verify;
    // When this instance last read the stream successfully: entries added after it may be lost with a restart.
    private DateTimeOffset lastRead;
    // Entries that were on the stream this long before the last read may still have been unread (a slow reader).
    private static readonly TimeSpan LostMargin = TimeSpan.FromSeconds(5);

    public event Action<RealtimeEvent>? Received;

    // Where this instance reads next (the id of the last entry it read).
    private string Position { get; set; } = Start;

    private readonly record struct Outgoing(RealtimeEvent Event, TaskCompletionSource<bool>? Confirmed);

    public void Send(RealtimeEvent realtimeEvent) => Enqueue(new Outgoing(realtimeEvent, null));

    public Task<bool> SendConfirmedAsync(RealtimeEvent realtimeEvent)
    {
        var confirmed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new Outgoing(realtimeEvent, confirmed));
        return confirmed.Task;
    }

    private void Enqueue(Outgoing outgoing)
    {
        if (outbox.Writer.TryWrite(outgoing)) return;
        metrics.OnRelayFailure();
        redis.ReportDown("relay queue full");
        outgoing.Confirmed?.TrySetResult(false);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        stream = redis.Key("realtime:stream");
        epoch = redis.Key("realtime:stream-epoch");
        signature = new RelaySignature(settings.RelayKey, stream.ToString());
        redis.Restored += OnRestored;
        reader = Task.Run(ReadLoopAsync, CancellationToken.None);
        sender = Task.Run(SendLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private void OnRestored() => verify = true;

    /// <summary>A stream entry's value: the MAC, then the send time (Unix milliseconds, 8 bytes), then the JSON.</summary>
    public static byte[] Entry(RelaySignature signature, DateTimeOffset sentAt, ReadOnlySpan<byte> json)
    {
        var stamped = new byte[sizeof(long) + json.Length];
        BinaryPrimitives.WriteInt64BigEndian(stamped, sentAt.ToUnixTimeMilliseconds());
        json.CopyTo(stamped.AsSpan(sizeof(long)));
        return signature.Sign(stamped);
    }

    private async Task SendLoopAsync()
    {
        var connection = await redis.GetAsync();
        var db = connection.GetDatabase();
        await foreach (var outgoing in outbox.Reader.ReadAllAsync())
        {
            if (!connection.IsConnected)
            {
                Failed(outgoing, "disconnected");
                continue;
            }
            try
            {
                // Pipelined on the one connection, so order is kept without waiting for each reply.
                var added = db.StreamAddAsync(stream, EntryField, Entry(signature, clock.GetUtcNow(), outgoing.Event.ToUtf8Json()),
                    maxLength: settings.StreamMaxLength, useApproximateMaxLength: true);
                _ = added.ContinueWith(static (t, state) =>
                {
                    var (relay, sent) = ((RedisRealtimeRelay, Outgoing))state!;
                    if (t.IsCompletedSuccessfully) sent.Confirmed?.TrySetResult(true);
                    else relay.Failed(sent, t.Exception?.InnerException?.GetType().Name ?? "cancelled");
                }, (this, outgoing), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                Failed(outgoing, ex.GetType().Name);
            }
        }
    }

    private void Failed(Outgoing outgoing, string reason)
    {
        metrics.OnRelayFailure();
        redis.ReportDown(reason);
        outgoing.Confirmed?.TrySetResult(false);
    }

    private async Task ReadLoopAsync()
    {
        var started = false;
        var failures = 0;
        string? currentEpoch = null;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var db = (await redis.GetAsync()).GetDatabase();
                if (!started)
                {
                    // A new instance starts at the end: what was sent before it started is no client's business here.
                    currentEpoch = await EpochAsync(db);
                    Position = (await StreamStateAsync(db))?.LastGenerated ?? Start;
                    lastRead = clock.GetUtcNow();
                    started = true;
                    verify = false;
                }
                else if (verify)
                {
                    verify = false;
                    currentEpoch = await VerifyAsync(db, currentEpoch);
                }
                var entries = await db.StreamReadAsync(stream, Position, ReadBatch);
                lastRead = clock.GetUtcNow();
                failures = 0;
                foreach (var entry in entries)
                {
                    Position = entry.Id!;
                    OnEntry(entry);
                }
                if (entries.Length == 0) await Task.Delay(settings.PollInterval, stopping.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                redis.ReportDown("read: " + ex.GetType().Name);
                logger.LogDebug("Reading realtime events from Redis failed (attempt {Attempt}); retrying in {Delay}", ++failures, RetryEvery);
                verify = true;
                try { await Task.Delay(RetryEvery, stopping.Token); } catch (OperationCanceledException) { return; }
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Reading realtime events from Redis failed; retrying");
                try { await Task.Delay(RetryEvery, stopping.Token); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>After a gap in reading: whether entries this instance had not read yet may be gone. If so every
    /// local connection is told it missed events; the reading goes on from what the stream holds now.</summary>
    private async Task<string?> VerifyAsync(IDatabase db, string? knownEpoch)
    {
        var currentEpoch = await EpochAsync(db);
        var restarted = knownEpoch is not null && currentEpoch != knownEpoch;
        var state = await StreamStateAsync(db);
        string? reason = null;
        if (state is null)
        {
            if (Position != Start || restarted) reason = "the stream is gone (Redis restarted or was flushed)";
            Position = Start;
        }
        else if (StreamIdComparer.Compare(state.LastGenerated, Position) < 0)
        {
            reason = "the stream's ids went backwards (Redis restarted or was flushed)";
            Position = Start;
        }
        else if (state.MaxDeleted is { } deleted && StreamIdComparer.Compare(deleted, Position) > 0)
            reason = "entries this instance had not read were trimmed";
        else if (restarted)
            reason = "Redis restarted or was flushed";
        if (reason is not null)
        {
            var connections = audience.Connections;
            foreach (var connection in connections) connection.NotifyMissed();
            gaps.Report(lastRead - LostMargin);
            logger.LogWarning("Realtime events from other instances may be lost: {Reason}; {Count} connections told they missed events",
                reason, connections.Count);
        }
        return currentEpoch ?? knownEpoch;
    }

    private sealed record StreamState(string LastGenerated, string? MaxDeleted);

    /// <summary>XINFO STREAM's last generated id and (Redis 7+) the largest id trimmed away; null when there is no stream.</summary>
    private async Task<StreamState?> StreamStateAsync(IDatabase db)
    {
        RedisResult result;
        try
        {
            result = await db.ExecuteAsync("XINFO", "STREAM", stream);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("no such key", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var fields = (RedisResult[])result!;
        string? last = null, deleted = null;
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            switch ((string?)fields[i])
            {
                case "last-generated-id": last = (string?)fields[i + 1]; break;
                case "max-deleted-entry-id": deleted = (string?)fields[i + 1]; break;
            }
        }
        return last is null ? null : new StreamState(last, deleted == Start ? null : deleted);
    }

    /// <summary>The id of the Redis data this instance reads: a key set once by the first instance to find it
    /// missing, so a Redis that restarted empty (or was flushed) has a new one. (INFO's run_id would need admin mode.)</summary>
    private async Task<string?> EpochAsync(IDatabase db)
    {
        var value = await db.StringGetAsync(epoch);
        if (!value.IsNull) return value;
        await db.StringSetAsync(epoch, Guid.NewGuid().ToString("N"), when: When.NotExists);
        return await db.StringGetAsync(epoch);
    }

    private void OnEntry(StreamEntry entry)
    {
        var value = entry[EntryField];
        if (value.IsNull || !signature.TryVerify((ReadOnlyMemory<byte>)value, out var stamped) || stamped.Length <= sizeof(long))
        {
            Reject("without a valid signature");
            return;
        }
        var sentAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(stamped.Span));
        if ((clock.GetUtcNow() - sentAt).Duration() > settings.ReplayWindow)
        {
            // Signed, but sent outside the window: a replay of an old entry (or a clock far off).
            Reject("signed outside the replay window");
            return;
        }
        var realtimeEvent = RealtimeEvent.TryParse(stamped.Span[sizeof(long)..]);
        if (realtimeEvent is null)
        {
            logger.LogWarning("Ignored a malformed realtime entry from Redis");
            return;
        }
        Received?.Invoke(realtimeEvent);
    }

    private void Reject(string why)
    {
        metrics.OnRelayRejected();
        var count = Interlocked.Increment(ref rejectedSinceLog);
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref lastRejectionLogged);
        if (now - last < (long)RejectionLogEvery.TotalMilliseconds || Interlocked.CompareExchange(ref lastRejectionLogged, now, last) != last) return;
        count = Interlocked.Exchange(ref rejectedSinceLog, 0);
        logger.LogWarning("Dropped {Count} realtime message(s) on Redis {Why}: something other than an app " +
            "instance with this relay key writes to {Stream}", count, why, stream.ToString());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.Restored -= OnRestored;
        stopping.Cancel();
        outbox.Writer.TryComplete();
        foreach (var task in new[] { sender, reader })
        {
            if (task is null) continue;
            try { await task.WaitAsync(TimeSpan.FromSeconds(3), cancellationToken); }
            catch (TimeoutException) { logger.LogWarning("The Redis relay did not stop within 3 s"); }
        }
    }
}
