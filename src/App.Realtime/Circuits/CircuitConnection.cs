using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace App.Realtime.Circuits;

/// <summary>
/// One circuit in the audience: its subscriptions and its <see cref="RealtimeConnectionQueue"/>. The publisher
/// only enqueues; the queue's drain hands each batch to the circuit's dispatcher in one trip, where matching
/// handlers run one at a time and in order. A failing handler or filter is logged and counted; the others and
/// the circuit carry on. Only subscriptions that ask for it (<c>onMissed</c>, or the reserved
/// <see cref="RealtimeEventNames.Missed"/> name) hear that events were missed.
/// </summary>
public sealed class CircuitConnection : IRealtimeConnection, IRealtimeQueueConsumer, IAsyncDisposable
{
    private readonly RealtimeConnectionQueue queue;
    private readonly Func<Func<Task>, Task> dispatch;
    private readonly RealtimeMetrics metrics;
    private readonly ILogger logger;
    private readonly Lock changing = new();
    private Subscription[] subscriptions = [];

    public CircuitConnection(string originId, Func<Func<Task>, Task> dispatch, RealtimeMetrics metrics, ILogger logger,
        int capacity = RealtimeConnectionQueue.DefaultCapacity)
    {
        ConnectionId = originId;
        OriginId = originId;
        this.dispatch = dispatch;
        this.metrics = metrics;
        this.logger = logger;
        queue = new RealtimeConnectionQueue(originId, this, metrics, logger, capacity);
    }

    public string ConnectionId { get; }
    public string OriginId { get; }
    public int SubscriptionCount => Volatile.Read(ref subscriptions).Length;
    /// <summary>Events dropped since the last missed notice (the queue was full).</summary>
    public long Dropped => queue.Dropped;

    /// <summary>Handles events named <paramref name="name"/> (or every event for <c>*</c>) that pass
    /// <paramref name="matches"/>; <paramref name="onMissed"/> hears how many events were missed (0 = unknown).
    /// Dispose the result to stop.</summary>
    public IDisposable Subscribe(string name, Func<RealtimeEvent, Task> onEvent, Func<RealtimeEvent, bool>? matches = null,
        Func<long, Task>? onMissed = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(onEvent);
        if (name != "*" && !RealtimeEventNames.IsValid(name))
            throw new ArgumentException($"'{name}' is not an event name (e.g. 'projects.project.changed') or '*'.", nameof(name));
        var subscription = new Subscription(this, name, onEvent, matches, onMissed);
        lock (changing) subscriptions = [.. subscriptions, subscription];
        return subscription;
    }

    public void Deliver(RealtimeEvent realtimeEvent)
    {
        if (Volatile.Read(ref subscriptions).Length == 0) return;
        queue.TryEnqueue(realtimeEvent);
    }

    public void NotifyMissed()
    {
        if (Volatile.Read(ref subscriptions).Length > 0) queue.NotifyMissed();
    }

    // A revoked circuit's page learns it from the app (it reloads on the user's own change event); the circuit
    // itself just stops hearing anything.
    public void Revoke() => queue.Revoke();

    ValueTask IRealtimeQueueConsumer.DeliverAsync(IReadOnlyList<RealtimeEvent> events)
    {
        var current = Volatile.Read(ref subscriptions);
        var wanted = false;
        foreach (var realtimeEvent in events)
            foreach (var subscription in current)
                if (!subscription.Disposed && subscription.WantsName(realtimeEvent.Name)) wanted = true;
        if (!wanted) return ValueTask.CompletedTask;
        // One trip to the dispatcher for the whole batch (the queue keeps the list intact until this completes);
        // filters run there. The queue hands over one batch at a time, so one cached delegate reading these fields
        // serves every batch: no closure per delivery.
        (pendingEvents, pendingSubscriptions) = (events, current);
        return new ValueTask(dispatch(runPending ??= RunPendingAsync));
    }

    private IReadOnlyList<RealtimeEvent> pendingEvents = [];
    private Subscription[] pendingSubscriptions = [];
    private Func<Task>? runPending;

    private Task RunPendingAsync() => RunAsync(pendingEvents, pendingSubscriptions);

    ValueTask IRealtimeQueueConsumer.MissedAsync(long count)
    {
        var current = Volatile.Read(ref subscriptions);
        if (!current.Any(s => !s.Disposed && s.WantsMissed)) return ValueTask.CompletedTask;
        var notice = new RealtimeEvent
        {
            Name = RealtimeEventNames.Missed, Topic = RealtimeTopics.Global, OccurredAt = DateTimeOffset.UtcNow,
            Payload = JsonSerializer.SerializeToElement(new { missed = count }),
        };
        return new ValueTask(dispatch(() => RunMissedAsync(notice, count, current)));
    }

    // Async, but no state machine is boxed while every handler completes synchronously (the common case).
    private async Task RunAsync(IReadOnlyList<RealtimeEvent> events, Subscription[] current)
    {
        for (var e = 0; e < events.Count; e++)
        {
            var realtimeEvent = events[e];
            foreach (var subscription in current)
            {
                if (subscription.Disposed || !Matches(subscription, realtimeEvent)) continue;
                Task running;
                try
                {
                    running = subscription.OnEvent(realtimeEvent) ?? throw new InvalidOperationException("The handler returned no task.");
                }
                catch (Exception ex)
                {
                    HandlerFailed(ex, realtimeEvent.Name);
                    continue;
                }
                if (running.IsCompletedSuccessfully) continue;
                try { await running; }
                catch (Exception ex) { HandlerFailed(ex, realtimeEvent.Name); }
            }
        }
    }

    private async Task RunMissedAsync(RealtimeEvent notice, long count, Subscription[] current)
    {
        foreach (var subscription in current)
        {
            if (subscription.Disposed || !subscription.WantsMissed) continue;
            try
            {
                await (subscription.OnMissed is { } onMissed ? onMissed(count) : subscription.OnEvent(notice));
            }
            catch (Exception ex)
            {
                HandlerFailed(ex, notice.Name);
            }
        }
    }

    private void HandlerFailed(Exception ex, string name)
    {
        metrics.OnHandlerFailure();
        logger.LogError(ex, "Realtime handler for {Event} failed on {Connection}", name, ConnectionId);
    }

    private bool Matches(Subscription subscription, RealtimeEvent realtimeEvent)
    {
        try
        {
            return subscription.Wants(realtimeEvent);
        }
        catch (Exception ex)
        {
            metrics.OnHandlerFailure();
            logger.LogError(ex, "Realtime filter for {Event} failed on {Connection}", realtimeEvent.Name, ConnectionId);
            return false;
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (changing) subscriptions = subscriptions.Where(s => s != subscription).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        lock (changing)
        {
            foreach (var subscription in subscriptions) subscription.Disposed = true;
            subscriptions = [];
        }
        await queue.CloseAsync();
    }

    private sealed class Subscription(CircuitConnection owner, string name, Func<RealtimeEvent, Task> onEvent,
        Func<RealtimeEvent, bool>? matches, Func<long, Task>? onMissed) : IDisposable
    {
        public volatile bool Disposed;

        public Func<RealtimeEvent, Task> OnEvent { get; } = onEvent;
        public Func<long, Task>? OnMissed { get; } = onMissed;
        public bool WantsMissed => OnMissed is not null || name == RealtimeEventNames.Missed;

        public bool WantsName(string eventName) => name == "*" || name == eventName;

        public bool Wants(RealtimeEvent realtimeEvent) => WantsName(realtimeEvent.Name) && (matches?.Invoke(realtimeEvent) ?? true);

        public void Dispose()
        {
            if (Disposed) return;
            Disposed = true;
            owner.Remove(this);
        }
    }
}
