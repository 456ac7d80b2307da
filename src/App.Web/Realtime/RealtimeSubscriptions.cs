namespace App.Web.Realtime;

/// <summary>
/// One connection's subscriptions and its bounded queue (a <see cref="BoundedMailbox{T}"/>). The publisher only
/// enqueues (never waits); a single drain hands events to matching handlers through <c>dispatch</c> (a circuit's
/// renderer dispatcher), one at a time and in order. A full queue drops the event, counts it, and then tells every subscription how many it
/// missed (<see cref="RealtimeEventContext.MissedEvent"/>) so it can reload. A failing handler is logged and
/// counted; the others and the connection carry on.
/// </summary>
public sealed class RealtimeSubscriptions : IRealtimeConnection, IAsyncDisposable
{
    public const int DefaultCapacity = 512;

    private readonly BoundedMailbox<RealtimeEnvelope> queue;
    private readonly Func<Func<Task>, Task> dispatch;
    private readonly RealtimeMetrics metrics;
    private readonly ILogger logger;
    private readonly Lock changing = new();
    private Subscription[] subscriptions = [];
    private long missed;
    private long delivered; // handlers run since the last drain ended; only the drain touches it

    public RealtimeSubscriptions(string connectionId, string originId, Func<Func<Task>, Task> dispatch,
        RealtimeMetrics metrics, ILogger logger, int capacity = DefaultCapacity)
    {
        ConnectionId = connectionId;
        OriginId = originId;
        this.dispatch = dispatch;
        this.metrics = metrics;
        this.logger = logger;
        queue = new BoundedMailbox<RealtimeEnvelope>(capacity, ConsumeAsync, DrainedAsync);
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
        lock (changing) subscriptions = [.. subscriptions, subscription];
        return subscription;
    }

    public void Deliver(RealtimeEnvelope envelope)
    {
        if (Volatile.Read(ref subscriptions).Length == 0) return;
        if (queue.TryPost(envelope)) return;
        Interlocked.Increment(ref missed);
        metrics.OnOverflow();
    }

    /// <summary>Tells every subscription, in order after what is already queued, that events may have been missed
    /// for a reason other than this queue (e.g. a Redis outage hid other instances' events), so it can reload.</summary>
    public void NotifyMissed()
    {
        if (Volatile.Read(ref subscriptions).Length == 0) return;
        // A full queue already ends in a missed notice once it drains; counting one more makes sure of it.
        if (!queue.TryPost(MissedMarker)) Interlocked.Increment(ref missed);
    }

    // Queued by NotifyMissed; never delivered as an event.
    private static readonly RealtimeEnvelope MissedMarker = new() { Event = RealtimeEventContext.MissedEvent };

    /// <summary>One queued item, in order: drops counted since the last one are reported before it.</summary>
    private ValueTask ConsumeAsync(RealtimeEnvelope envelope)
    {
        if (ReferenceEquals(envelope, MissedMarker) || Volatile.Read(ref missed) > 0) return ConsumeAfterMissedAsync(envelope);
        return Counted(DispatchAsync(ContextFor(envelope), missedNotice: false));
    }

    private async ValueTask ConsumeAfterMissedAsync(RealtimeEnvelope envelope)
    {
        await ReportMissedAsync();
        if (!ReferenceEquals(envelope, MissedMarker)) await Counted(DispatchAsync(ContextFor(envelope), missedNotice: false));
    }

    private RealtimeEventContext ContextFor(RealtimeEnvelope envelope) =>
        envelope.OriginId == OriginId ? new RealtimeEventContext(envelope, isOwnEcho: true) : envelope.SharedContext();

    /// <summary>The queue ran empty: report drops that happened while it was full and nothing followed them, then
    /// count what was delivered: one shared-counter update per drain, not per delivery (it would bounce between
    /// cores).</summary>
    private ValueTask DrainedAsync()
    {
        if (Volatile.Read(ref missed) > 0) return DrainedAfterMissedAsync();
        FlushDelivered();
        return default;
    }

    private async ValueTask DrainedAfterMissedAsync()
    {
        await ReportMissedAsync();
        FlushDelivered();
    }

    /// <summary>Tells every subscription how many events were dropped since the last notice.</summary>
    private ValueTask ReportMissedAsync() =>
        Counted(DispatchAsync(RealtimeEventContext.ForMissed(Interlocked.Exchange(ref missed, 0)), missedNotice: true));

    private void FlushDelivered()
    {
        if (delivered == 0) return;
        metrics.OnDelivered((int)Math.Min(delivered, int.MaxValue));
        delivered = 0;
    }

    private ValueTask Counted(ValueTask<int> dispatching)
    {
        if (!dispatching.IsCompletedSuccessfully) return CountedAsync(dispatching);
        delivered += dispatching.Result;
        return default;
    }

    private async ValueTask CountedAsync(ValueTask<int> dispatching)
    {
        var handlers = await dispatching;
        delivered += handlers;
    }

    /// <summary>Runs every interested subscription for one event in a single trip to the dispatcher; returns how
    /// many handlers ran. Names are checked here; filters (<c>Matches</c>) run on the dispatcher, once.</summary>
    /// <remarks>Not async: when the dispatcher and the handlers finish synchronously (the common case for a
    /// handler that only updates state) a delivery costs no state machine; anything still running is awaited.</remarks>
    private ValueTask<int> DispatchAsync(RealtimeEventContext context, bool missedNotice)
    {
        var current = Volatile.Read(ref subscriptions);
        var named = false;
        foreach (var subscription in current)
            if (!subscription.Disposed && (missedNotice || subscription.WantsName(context.Event))) named = true;
        if (!named) return new ValueTask<int>(0);
        handled = 0;
        (pendingSubscriptions, pendingContext, pendingMissedNotice) = (current, context, missedNotice);
        Task dispatched;
        try
        {
            // The drain dispatches one event at a time, so one delegate per connection (reading the pending fields)
            // serves every event: no closure is allocated per delivery.
            dispatched = dispatch(runPending ??= RunPendingAsync);
        }
        catch (Exception ex)
        {
            OnDispatchFailed(ex, context);
            return new ValueTask<int>(handled);
        }
        return dispatched.IsCompletedSuccessfully ? new ValueTask<int>(handled) : AwaitDispatchAsync(dispatched, context);
    }

    private async ValueTask<int> AwaitDispatchAsync(Task dispatched, RealtimeEventContext context)
    {
        try
        {
            await dispatched;
        }
        catch (Exception ex)
        {
            OnDispatchFailed(ex, context);
        }
        return handled;
    }

    private void OnDispatchFailed(Exception ex, RealtimeEventContext context)
    {
        metrics.OnHandlerFailure();
        logger.LogError(ex, "Realtime dispatch for {Event} failed on {Connection}", context.Event, ConnectionId);
    }

    // The event being dispatched and the handlers that ran for it (the drain dispatches one event at a time).
    private int handled;
    private Subscription[] pendingSubscriptions = [];
    private RealtimeEventContext? pendingContext;
    private bool pendingMissedNotice;
    private Func<Task>? runPending;

    private Task RunPendingAsync() => RunFrom(0, pendingSubscriptions, pendingContext!, pendingMissedNotice);

    /// <summary>Runs the interested subscriptions from <paramref name="start"/> on, in order, one at a time. Stays
    /// synchronous while handlers complete synchronously; the first one still running continues asynchronously.</summary>
    private Task RunFrom(int start, Subscription[] current, RealtimeEventContext context, bool missedNotice)
    {
        for (var i = start; i < current.Length; i++)
        {
            var subscription = current[i];
            if (subscription.Disposed || (!missedNotice && !Matches(subscription, context))) continue;
            handled++;
            Task running;
            try
            {
                running = subscription.OnEvent(context) ?? throw new InvalidOperationException("The handler returned no task.");
            }
            catch (Exception ex)
            {
                OnHandlerFailed(ex, context);
                continue;
            }
            if (running.IsCompletedSuccessfully) continue;
            return ContinueAfterAsync(running, i + 1, current, context, missedNotice);
        }
        return Task.CompletedTask;
    }

    private async Task ContinueAfterAsync(Task running, int next, Subscription[] current, RealtimeEventContext context, bool missedNotice)
    {
        try
        {
            await running;
        }
        catch (Exception ex)
        {
            OnHandlerFailed(ex, context);
        }
        await RunFrom(next, current, context, missedNotice);
    }

    private void OnHandlerFailed(Exception ex, RealtimeEventContext context)
    {
        metrics.OnHandlerFailure();
        logger.LogError(ex, "Realtime handler for {Event} failed on {Connection}", context.Event, ConnectionId);
    }

    private bool Matches(Subscription subscription, RealtimeEventContext context)
    {
        try
        {
            return subscription.Wants(context);
        }
        catch (Exception ex)
        {
            metrics.OnHandlerFailure();
            logger.LogError(ex, "Realtime filter for {Event} failed on {Connection}", context.Event, ConnectionId);
            return false;
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (changing) subscriptions = subscriptions.Where(s => s != subscription).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        var stopped = queue.CloseAsync();
        lock (changing)
        {
            foreach (var subscription in subscriptions) subscription.Disposed = true;
            subscriptions = [];
        }
        try
        {
            await stopped.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Realtime queue of {Connection} was still delivering 5 s after it closed", ConnectionId);
        }
    }

    private sealed class Subscription(RealtimeSubscriptions owner, string eventName, Func<RealtimeEventContext, Task> onEvent,
        Func<RealtimeEventContext, bool>? matches) : IDisposable
    {
        public volatile bool Disposed;

        public Func<RealtimeEventContext, Task> OnEvent { get; } = onEvent;

        public bool WantsName(string name) => eventName == "*" || eventName == name;

        public bool Wants(RealtimeEventContext context) => WantsName(context.Event) && (matches?.Invoke(context) ?? true);

        public void Dispose()
        {
            if (Disposed) return;
            Disposed = true;
            owner.Remove(this);
        }
    }
}
