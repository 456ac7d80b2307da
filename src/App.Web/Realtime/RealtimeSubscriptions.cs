using System.Threading.Channels;

namespace App.Web.Realtime;

/// <summary>
/// One connection's subscriptions and its bounded queue. The publisher only enqueues (never waits); a single
/// pump hands events to matching handlers through <c>dispatch</c> (a circuit's renderer dispatcher), one at a
/// time and in order. A full queue drops the event, counts it, and then tells every subscription how many it
/// missed (<see cref="RealtimeEventContext.MissedEvent"/>) so it can reload. A failing handler is logged and
/// counted; the others and the connection carry on.
/// </summary>
public sealed class RealtimeSubscriptions : IRealtimeConnection, IAsyncDisposable
{
    public const int DefaultCapacity = 512;

    private readonly Channel<RealtimeEnvelope> queue;
    private readonly Func<Func<Task>, Task> dispatch;
    private readonly RealtimeMetrics metrics;
    private readonly ILogger logger;
    private readonly Task pump;
    private Subscription[] subscriptions = [];
    private long missed;

    public RealtimeSubscriptions(string connectionId, string originId, Func<Func<Task>, Task> dispatch,
        RealtimeMetrics metrics, ILogger logger, int capacity = DefaultCapacity)
    {
        ConnectionId = connectionId;
        OriginId = originId;
        this.dispatch = dispatch;
        this.metrics = metrics;
        this.logger = logger;
        queue = Channel.CreateBounded<RealtimeEnvelope>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        pump = Task.Run(PumpAsync);
    }

    public string ConnectionId { get; }
    public string OriginId { get; }
    public int SubscriptionCount => Volatile.Read(ref subscriptions).Length;
    public long Missed => Interlocked.Read(ref missed);

    /// <summary>Handles events named <paramref name="eventName"/> (or every event for <c>*</c>) that pass
    /// <paramref name="matches"/>. Dispose the result to stop.</summary>
    public IDisposable Subscribe(string eventName, Func<RealtimeEventContext, Task> onEvent,
        Func<RealtimeEventContext, bool>? matches = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        ArgumentNullException.ThrowIfNull(onEvent);
        if (eventName != "*" && !App.Domain.Events.RealtimeEventNames.IsValidEvent(eventName))
            throw new ArgumentException($"'{eventName}' is not an event name (e.g. 'projects.project.changed') or '*'.", nameof(eventName));
        var subscription = new Subscription(this, eventName, onEvent, matches);
        lock (queue) subscriptions = [.. subscriptions, subscription];
        return subscription;
    }

    public void Deliver(RealtimeEnvelope envelope)
    {
        if (Volatile.Read(ref subscriptions).Length == 0) return;
        if (queue.Writer.TryWrite(envelope)) return;
        Interlocked.Increment(ref missed);
        metrics.OnOverflow();
    }

    private async Task PumpAsync()
    {
        var reader = queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var envelope))
            {
                var dropped = Interlocked.Exchange(ref missed, 0);
                if (dropped > 0) await DispatchAsync(RealtimeEventContext.ForMissed(dropped), missedNotice: true);
                await DispatchAsync(new RealtimeEventContext(envelope, envelope.OriginId == OriginId), missedNotice: false);
            }
            // The queue drained: report drops that happened while it was full and nothing followed them.
            var late = Interlocked.Exchange(ref missed, 0);
            if (late > 0) await DispatchAsync(RealtimeEventContext.ForMissed(late), missedNotice: true);
        }
    }

    private async Task DispatchAsync(RealtimeEventContext context, bool missedNotice)
    {
        foreach (var subscription in Volatile.Read(ref subscriptions))
        {
            if (subscription.Disposed) continue;
            try
            {
                if (!missedNotice && !subscription.Wants(context)) continue;
                await dispatch(() => subscription.Disposed ? Task.CompletedTask : subscription.OnEvent(context));
                metrics.OnDelivered();
            }
            catch (Exception ex)
            {
                metrics.OnHandlerFailure();
                logger.LogError(ex, "Realtime handler for {Event} failed on {Connection}", context.Event, ConnectionId);
            }
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (queue) subscriptions = subscriptions.Where(s => s != subscription).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        lock (queue)
        {
            foreach (var subscription in subscriptions) subscription.Disposed = true;
            subscriptions = [];
        }
        try
        {
            await pump.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Realtime pump of {Connection} did not stop within 5 s", ConnectionId);
        }
    }

    private sealed class Subscription(RealtimeSubscriptions owner, string eventName, Func<RealtimeEventContext, Task> onEvent,
        Func<RealtimeEventContext, bool>? matches) : IDisposable
    {
        public volatile bool Disposed;

        public Func<RealtimeEventContext, Task> OnEvent { get; } = onEvent;

        public bool Wants(RealtimeEventContext context) =>
            (eventName == "*" || eventName == context.Event) && (matches?.Invoke(context) ?? true);

        public void Dispose()
        {
            if (Disposed) return;
            Disposed = true;
            owner.Remove(this);
        }
    }
}
