using System.Text.Json;

namespace App.Domain.Events;

/// <summary>Anything the realtime bridge forwards to clients: an <see cref="EntityChange"/> or a plain
/// <see cref="RealtimeMessage"/>. The payload is already a JSON snapshot, so no subscriber can see a
/// later mutation of the object it was made from.</summary>
public interface IRealtimeDomainEvent : INamedDomainEvent
{
    EventScope Scope { get; }
    JsonElement Payload { get; }
    string? ActorId { get; }
    string? OriginId { get; }
    DateTimeOffset OccurredAt { get; }
    /// <summary>Set when the event is staged into the outbox (<see cref="IEntityChangeOutbox"/>): unique, and the same
    /// however many times the event is dispatched, so receivers route it once. Null for events published at once.</summary>
    string? EventId { get; }
}
