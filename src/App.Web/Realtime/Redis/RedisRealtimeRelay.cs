using System.Threading.Channels;
using StackExchange.Redis;

namespace App.Web.Realtime.Redis;

/// <summary>
/// Carries realtime events between app instances over Redis pub/sub. Sending never blocks the publisher: events
/// go through a bounded queue to one sender. While Redis is down, events still reach this instance's clients;
/// the ones that could not cross are counted (realtime.relay_failures) and the outage is logged once.
/// </summary>
public sealed class RedisRealtimeRelay(RedisConnection redis, RealtimeMetrics metrics, ILogger<RedisRealtimeRelay> logger)
    : IRealtimeRelay, IHostedService
{
    private readonly Channel<RealtimeEnvelope> outbox = Channel.CreateBounded<RealtimeEnvelope>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private RedisChannel channel;
    private Task? sender;

    public event Action<RealtimeEnvelope>? Received;

    public void Send(RealtimeEnvelope envelope)
    {
        if (!outbox.Writer.TryWrite(envelope))
        {
            metrics.OnRelayFailure();
            redis.ReportDown("relay queue full");
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        channel = redis.Channel("realtime:events");
        var connection = await redis.GetAsync();
        // Subscribing works while disconnected too: StackExchange.Redis re-subscribes on reconnect.
        await connection.GetSubscriber().SubscribeAsync(channel, (_, message) => OnMessage(message)).ConfigureAwait(false);
        sender = Task.Run(SendLoopAsync, CancellationToken.None);
    }

    private void OnMessage(RedisValue message)
    {
        var envelope = RealtimeEnvelope.TryParse(((ReadOnlyMemory<byte>)message).Span);
        if (envelope is null)
        {
            logger.LogWarning("Ignored a malformed realtime message from Redis");
            return;
        }
        Received?.Invoke(envelope);
    }

    private async Task SendLoopAsync()
    {
        var subscriber = (await redis.GetAsync()).GetSubscriber();
        await foreach (var envelope in outbox.Reader.ReadAllAsync())
        {
            try
            {
                await subscriber.PublishAsync(channel, envelope.ToUtf8Json());
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
        outbox.Writer.TryComplete();
        if (sender is not null) await sender.WaitAsync(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
    }
}
