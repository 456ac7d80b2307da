using System.Text.Json;

namespace App.Domain.Events;

/// <summary>A realtime event that is not an entity change: a ping, a job's progress, a notice.</summary>
public sealed record RealtimeMessage : IRealtimeDomainEvent
{
    public required string Name { get; init; }
    public required EventScope Scope { get; init; }
    public JsonElement Payload { get; init; }
    public string? ActorId { get; init; }
    public string? OriginId { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public string? EventId { get; init; }

    /// <summary>Validates the name and scope and snapshots the payload.</summary>
    public static RealtimeMessage Create(string eventName, EventScope scope, object? payload,
        string? actorId = null, string? originId = null, TimeProvider? clock = null)
    {
        RealtimeEventNames.RequireEvent(eventName);
        if (!scope.IsKnown) throw new ArgumentException($"Event '{eventName}' needs a known scope (global, user or workspace).");
        return new RealtimeMessage
        {
            Name = eventName,
            Scope = scope,
            Payload = RealtimePayload.Snapshot(payload, eventName),
            ActorId = actorId,
            OriginId = originId,
            OccurredAt = (clock ?? TimeProvider.System).GetUtcNow(),
        };
    }
}
