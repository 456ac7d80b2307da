using App.Domain.Events;
using App.Realtime;

namespace App.Web.Realtime;

/// <summary>
/// The seam between the domain and the realtime library: every realtime domain event (published by the domain's
/// bus after its transaction committed) becomes one <see cref="RealtimeEvent"/> on <see cref="IRealtimePublisher"/>.
/// The scope's key is the topic (<c>workspace:{id}</c>, <c>user:{id}</c>, <c>global</c>). Events from the outbox
/// (with an <see cref="IRealtimeDomainEvent.EventId"/>) go through <see cref="OutboxDispatcher"/>, which marks their
/// rows once relayed; others are published as they come.
/// </summary>
public sealed class DomainEventForwarder(IDomainEvents events, IRealtimePublisher publisher, OutboxDispatcher? outbox = null) : IHostedService
{
    private IDisposable? subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = events.Subscribe<IRealtimeDomainEvent>((e, ct) =>
        {
            if (e.EventId is null) publisher.Publish(ToRealtimeEvent(e));
            else if (outbox is not null) outbox.Dispatch(e);
            // No outbox here (a test host): publish once, nothing to mark.
            else _ = publisher.PublishOnceAsync(ToRealtimeEvent(e));
            return ValueTask.CompletedTask;
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        subscription?.Dispose();
        return Task.CompletedTask;
    }

    public static RealtimeEvent ToRealtimeEvent(IRealtimeDomainEvent domainEvent) => domainEvent switch
    {
        EntityChange c => new RealtimeEvent
        {
            Id = c.EventId, Name = c.Name, Topic = c.Scope.Key, OccurredAt = c.OccurredAt, Payload = c.Payload, ActorId = c.ActorId,
            OriginId = c.OriginId, Source = c.Source, Entity = c.Entity, Operation = c.Operation.ToString(),
            EntityId = c.EntityId, Action = c.Action, Reason = c.Reason,
        },
        _ => new RealtimeEvent
        {
            Id = domainEvent.EventId, Name = domainEvent.Name, Topic = domainEvent.Scope.Key, OccurredAt = domainEvent.OccurredAt,
            Payload = domainEvent.Payload, ActorId = domainEvent.ActorId, OriginId = domainEvent.OriginId,
        },
    };
}

/// <summary>The domain's words for the library's event fields.</summary>
public static class RealtimeEventDomainFields
{
    /// <summary>The entity operation, or null for a plain message.</summary>
    public static EntityOperation? EntityOperation(this RealtimeEvent e) =>
        Enum.TryParse<EntityOperation>(e.Operation, out var operation) ? operation : null;

    /// <summary>True when the event was published to <paramref name="scope"/>.</summary>
    public static bool IsFor(this RealtimeEvent e, EventScope scope) => scope.IsKnown && e.Topic == scope.Key;
}
