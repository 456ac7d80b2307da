using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace App.Realtime.Redis;

/// <summary>
/// Carries realtime events between app instances over Redis pub/sub. Start-up never waits for Redis: the
/// subscription is made in the background and retried until Redis answers (StackExchange.Redis re-subscribes by
/// itself after later reconnects). Sending never blocks the publisher: events go through a bounded queue to one
/// sender, which pipelines them (no wait for each reply). While Redis is down, events still reach this instance's
/// clients; those that could not cross are counted (realtime.relay_failures) and the outage is logged once.
/// Every message is signed (<see cref="RelaySignature"/>); one that is unsigned or forged is dropped, counted
/// (realtime.relay_rejected) and logged (at most once a minute, with the count).
/// </summary>
public sealed class RedisRealtimeRelay(RedisConnection redis, IOptions<RealtimeRedisOptions> options, RealtimeMetrics metrics,
    ILogger<RedisRealtimeRelay> logger) : IRealtimeRelay, IHostedService
{
    private static readonly TimeSpan RejectionLogEvery = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);
    private readonly Channel<RealtimeEvent> outbox = Channel.CreateBounded<RealtimeEvent>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource stopping = new();
    private RedisChannel channel;
    private RelaySignature signature = null!;
    private long lastRejectionLogged = -(long)RejectionLogEvery.TotalMilliseconds;
    private long rejectedSinceLog;
    private Task? sender;
    private Task? subscriber;
    private Action<RedisChannel, RedisValue>? onMessage;

    public event Action<RealtimeEvent>? Received;

    public void Send(RealtimeEvent realtimeEvent)
    {
        if (!outbox.Writer.TryWrite(realtimeEvent))
        {
            metrics.OnRelayFailure();
            redis.ReportDown("relay queue full");
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        channel = redis.Channel("realtime:events");
        signature = new RelaySignature(options.Value.RelayKey, channel.ToString());
        subscriber = Task.Run(SubscribeUntilDoneAsync, CancellationToken.None);
        sender = Task.Run(SendLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task SubscribeUntilDoneAsync()
    {
        // One handler instance for every attempt: StackExchange.Redis registers the handler before the SUBSCRIBE
        // that may fail, keeps it, and re-subscribes it on reconnect; so a failed attempt's registration is undone
        // before the next one, or each event would be routed once per failed attempt.
        Action<RedisChannel, RedisValue> handler = onMessage ??= (_, message) => OnMessage(message);
        for (var attempt = 1; !stopping.IsCancellationRequested; attempt++)
        {
            ISubscriber? subscriber = null;
            try
            {
                subscriber = (await redis.GetAsync()).GetSubscriber();
                await subscriber.SubscribeAsync(channel, handler);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                redis.ReportDown("subscribe: " + ex.GetType().Name);
                logger.LogDebug("Subscribing to realtime events on Redis failed (attempt {Attempt}); retrying in {Delay}", attempt, RetryEvery);
                Unregister(subscriber, handler);
                try { await Task.Delay(RetryEvery, stopping.Token); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private void Unregister(ISubscriber? subscriber, Action<RedisChannel, RedisValue> handler)
    {
        try
        {
            // Removes the handler locally; the UNSUBSCRIBE (only sent if the server had confirmed) need not land.
            subscriber?.Unsubscribe(channel, handler, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogDebug(ex, "Undoing a failed Redis subscription attempt");
        }
    }

    private void OnMessage(RedisValue message)
    {
        if (!signature.TryVerify((ReadOnlyMemory<byte>)message, out var json))
        {
            Reject();
            return;
        }
        var realtimeEvent = RealtimeEvent.TryParse(json.Span);
        if (realtimeEvent is null)
        {
            logger.LogWarning("Ignored a malformed realtime message from Redis");
            return;
        }
        Received?.Invoke(realtimeEvent);
    }

    private void Reject()
    {
        metrics.OnRelayRejected();
        var count = Interlocked.Increment(ref rejectedSinceLog);
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref lastRejectionLogged);
        if (now - last < (long)RejectionLogEvery.TotalMilliseconds || Interlocked.CompareExchange(ref lastRejectionLogged, now, last) != last) return;
        count = Interlocked.Exchange(ref rejectedSinceLog, 0);
        logger.LogWarning("Dropped {Count} realtime message(s) on Redis without a valid signature: something other than an app " +
            "instance with this relay key publishes on {Channel}", count, channel.ToString());
    }

    private async Task SendLoopAsync()
    {
        var connection = await redis.GetAsync();
        var publisher = connection.GetSubscriber();
        await foreach (var realtimeEvent in outbox.Reader.ReadAllAsync())
        {
            if (!connection.IsConnected)
            {
                metrics.OnRelayFailure();
                redis.ReportDown("disconnected");
                continue;
            }
            try
            {
                // Pipelined on the one connection, so order is kept without waiting for each reply.
                publisher.Publish(channel, signature.Sign(realtimeEvent.ToUtf8Json()), CommandFlags.FireAndForget);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                metrics.OnRelayFailure();
                redis.ReportDown(ex.GetType().Name);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        stopping.Cancel();
        outbox.Writer.TryComplete();
        foreach (var task in new[] { sender, subscriber })
        {
            if (task is null) continue;
            try { await task.WaitAsync(TimeSpan.FromSeconds(3), cancellationToken); }
            catch (TimeoutException) { logger.LogWarning("The Redis relay did not stop within 3 s"); }
        }
    }
}
