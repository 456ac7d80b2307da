using System.Text.Json;
using App.Domain.Events;

namespace App.Domain.Outbox;

/// <summary>How a realtime domain event is written into <see cref="OutboxMessage.Body"/> and read back.</summary>
public static class OutboxBody
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record Stored
    {
        public bool Change { get; init; }
        public string? EventId { get; init; }
        public required string Name { get; init; }
        public required string Scope { get; init; }
        public JsonElement Payload { get; init; }
        public string? ActorId { get; init; }
        public string? OriginId { get; init; }
        public DateTimeOffset OccurredAt { get; init; }
        public string? Source { get; init; }
        public string? Entity { get; init; }
        public EntityOperation Operation { get; init; }
        public string? EntityId { get; init; }
        public string? Action { get; init; }
        public string? Reason { get; init; }
        public string? ServiceToken { get; init; }
        public string? Method { get; init; }
        /// <summary>A declared call's change reserved before its method returned: the result-derived parts are
        /// missing until <see cref="OutboxStore.CompleteAsync"/> replaces the body.</summary>
        public bool AwaitingResult { get; init; }
    }

    public static string Write(IRealtimeDomainEvent e, bool awaitingResult = false) => JsonSerializer.Serialize(e switch
    {
        EntityChange c => new Stored
        {
            AwaitingResult = awaitingResult,
            Change = true, EventId = c.EventId, Name = c.Name, Scope = c.Scope.Key, Payload = c.Payload, ActorId = c.ActorId,
            OriginId = c.OriginId, OccurredAt = c.OccurredAt, Source = c.Source, Entity = c.Entity, Operation = c.Operation,
            EntityId = c.EntityId, Action = c.Action, Reason = c.Reason, ServiceToken = c.ServiceToken, Method = c.Method,
        },
        _ => new Stored
        {
            EventId = e.EventId, Name = e.Name, Scope = e.Scope.Key, Payload = e.Payload, ActorId = e.ActorId, OriginId = e.OriginId,
            OccurredAt = e.OccurredAt,
        },
    }, Json);

    /// <summary>The event a row holds, and whether it is a declared call's change whose method has not returned (or never
    /// did); throws <see cref="JsonException"/> for a body this code did not write.</summary>
    public static (IRealtimeDomainEvent Event, bool AwaitingResult) Read(string body)
    {
        var s = JsonSerializer.Deserialize<Stored>(body, Json) ?? throw new JsonException("An empty outbox body.");
        var scope = EventScope.Parse(s.Scope);
        IRealtimeDomainEvent stored = s.Change
            ? new EntityChange
            {
                EventId = s.EventId, Name = s.Name, Scope = scope, Payload = s.Payload, ActorId = s.ActorId, OriginId = s.OriginId,
                OccurredAt = s.OccurredAt, Source = s.Source ?? "", Entity = s.Entity ?? "", Operation = s.Operation,
                EntityId = s.EntityId ?? "", Action = s.Action, Reason = s.Reason, ServiceToken = s.ServiceToken, Method = s.Method,
            }
            : new RealtimeMessage
            {
                EventId = s.EventId, Name = s.Name, Scope = scope, Payload = s.Payload, ActorId = s.ActorId, OriginId = s.OriginId,
                OccurredAt = s.OccurredAt,
            };
        return (stored, s.AwaitingResult);
    }
}
