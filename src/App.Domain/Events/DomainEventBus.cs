using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.Domain.Events;

/// <inheritdoc cref="IDomainEvents"/>
public sealed class DomainEventBus(ILogger<DomainEventBus>? logger = null) : IDomainEvents
{
    private readonly ILogger logger = logger ?? NullLogger<DomainEventBus>.Instance;
    private readonly object gate = new();
    // Copy-on-write: publishing reads one immutable snapshot without locks; subscribing (rare) swaps in a new one.
    // The per-type cache lives in the snapshot, so a cache entry is always computed from the subscriptions it
    // belongs with (a publish racing a subscribe can never store a stale list for later publishes).
    private Snapshot current = new([]);
    private long handlerFailures;

    public long HandlerFailures => Interlocked.Read(ref handlerFailures);

    public IDisposable Subscribe<TEvent>(Func<TEvent, CancellationToken, ValueTask> handler) where TEvent : class
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(new Subscription(this, typeof(TEvent), null, (e, ct) => handler((TEvent)e, ct)));
    }

    public IDisposable Subscribe(string eventName, Func<INamedDomainEvent, CancellationToken, ValueTask> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        return Add(new Subscription(this, typeof(INamedDomainEvent), eventName,
            (e, ct) => handler((INamedDomainEvent)e, ct)));
    }

    // Not an async method: a publish whose handlers all finish synchronously (the realtime bridge's does) returns
    // a completed ValueTask without a state machine; only handlers still running are awaited together.
    public ValueTask PublishAsync(object domainEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        var handlers = Volatile.Read(ref current).HandlersFor(domainEvent.GetType());
        if (handlers.Length == 0) return ValueTask.CompletedTask;
        var name = (domainEvent as INamedDomainEvent)?.Name;
        List<Task>? pending = null;
        foreach (var subscription in handlers)
        {
            if (subscription.EventName is { } wanted && wanted != "*" && wanted != name) continue;
            ValueTask running;
            try
            {
                running = subscription.Handler(domainEvent, cancellationToken);
            }
            catch (Exception ex)
            {
                Fail(ex, domainEvent);
                continue;
            }
            if (!running.IsCompletedSuccessfully) (pending ??= []).Add(Observe(running, domainEvent));
        }
        // Observe never throws (it logs and counts), so WhenAll completes successfully.
        return pending is null ? ValueTask.CompletedTask : new ValueTask(Task.WhenAll(pending));
    }

    private async Task Observe(ValueTask running, object domainEvent)
    {
        try { await running; }
        catch (Exception ex) { Fail(ex, domainEvent); }
    }

    private void Fail(Exception ex, object domainEvent)
    {
        Interlocked.Increment(ref handlerFailures);
        logger.LogError(ex, "Domain event handler failed for {EventType} {EventName}",
            domainEvent.GetType().Name, (domainEvent as INamedDomainEvent)?.Name);
    }

    private IDisposable Add(Subscription subscription)
    {
        lock (gate) Volatile.Write(ref current, new Snapshot([.. current.All, subscription]));
        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        lock (gate) Volatile.Write(ref current, new Snapshot(current.All.Where(s => s != subscription).ToArray()));
    }

    private sealed class Snapshot(Subscription[] all)
    {
        public Subscription[] All { get; } = all;
        public ConcurrentDictionary<Type, Subscription[]> ByType { get; } = new();

        // TryGetValue first: GetOrAdd with a method group allocates a delegate on every call.
        public Subscription[] HandlersFor(Type eventType) =>
            ByType.TryGetValue(eventType, out var handlers) ? handlers : ByType.GetOrAdd(eventType, Match);

        private Subscription[] Match(Type eventType) => All.Where(s => s.EventType.IsAssignableFrom(eventType)).ToArray();
    }

    private sealed class Subscription(
        DomainEventBus bus, Type eventType, string? eventName, Func<object, CancellationToken, ValueTask> handler)
        : IDisposable
    {
        private int disposed;
        public Type EventType { get; } = eventType;
        public string? EventName { get; } = eventName;
        public Func<object, CancellationToken, ValueTask> Handler { get; } = handler;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) bus.Remove(this);
        }
    }
}
