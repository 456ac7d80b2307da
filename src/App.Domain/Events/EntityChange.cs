using System.Text.Json;

namespace App.Domain.Events;

/// <summary>The entity-change contract: something happened to one entity, visible to one scope.
/// Build it with <see cref="EntityChangePublisher"/> or a declared service method, never by hand,
/// so it is validated.</summary>
public sealed record EntityChange : IRealtimeDomainEvent
{
    public required string Source { get; init; }
    public required string Entity { get; init; }
    public required EntityOperation Operation { get; init; }
    public required string EntityId { get; init; }
    public required EventScope Scope { get; init; }
    public string? Action { get; init; }
    public string? Reason { get; init; }
    public JsonElement Payload { get; init; }
    /// <summary>The event name, e.g. <c>projects.project.changed</c>.</summary>
    public required string Name { get; init; }
    public string? ActorId { get; init; }
    public string? OriginId { get; init; }
    public string? ServiceToken { get; init; }
    public string? Method { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public string? EventId { get; init; }
}
