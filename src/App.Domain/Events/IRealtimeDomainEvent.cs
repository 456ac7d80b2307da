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
}
