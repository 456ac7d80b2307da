using System.Text.Json;
using System.Text.Json.Serialization;
using App.Domain.Events;

namespace App.Web.Realtime;

/// <summary>
/// A realtime event as every transport carries it (circuits, hub, SSE, Redis): the entity-change contract plus
/// the routing facts. <see cref="Sequence"/> is monotonic and doubles as the SSE event id.
/// </summary>
public sealed record RealtimeEnvelope
{
    public required string Event { get; init; }
    [JsonIgnore] public EventScope Scope { get; init; }
    [JsonPropertyName("scope")] public string ScopeKey { get => Scope.Key; init => Scope = EventScope.Parse(value); }
    public long Sequence { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public JsonElement Payload { get; init; }
    public string? ActorId { get; init; }
    public string? OriginId { get; init; }
    public string? Source { get; init; }
    public string? Entity { get; init; }
    [JsonConverter(typeof(JsonStringEnumConverter<EntityOperation>))]
    public EntityOperation? Operation { get; init; }
    public string? EntityId { get; init; }
    public string? Action { get; init; }
    public string? Reason { get; init; }
    /// <summary>The app instance that published it, so an instance ignores its own echo from Redis.</summary>
    public string? Instance { get; init; }

    public static RealtimeEnvelope From(IRealtimeDomainEvent domainEvent, long sequence, string instance) =>
        domainEvent switch
        {
            EntityChange c => new RealtimeEnvelope
            {
                Event = c.RealtimeEvent, Scope = c.Scope, Sequence = sequence, OccurredAt = c.OccurredAt, Payload = c.Payload,
                ActorId = c.ActorId, OriginId = c.OriginId, Source = c.Source, Entity = c.Entity, Operation = c.Operation,
                EntityId = c.EntityId, Action = c.Action, Reason = c.Reason, Instance = instance,
            },
            _ => new RealtimeEnvelope
            {
                Event = domainEvent.Name, Scope = domainEvent.Scope, Sequence = sequence, OccurredAt = domainEvent.OccurredAt,
                Payload = domainEvent.Payload, ActorId = domainEvent.ActorId, OriginId = domainEvent.OriginId, Instance = instance,
            },
        };

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    // The serialised forms (hub, SSE) in one lazily made object: most envelopes only go to circuits and never need
    // them, and every envelope queued for a circuit stays alive until delivered, so its size matters to the GC.
    private sealed class Serialized(JsonElement element)
    {
        public JsonElement Element { get; } = element;
        public Microsoft.AspNetCore.SignalR.SerializedHubMessage? HubMessage;
    }

    private Serialized? serialized;

    private Serialized SerializedForms()
    {
        if (Volatile.Read(ref serialized) is { } existing) return existing;
        var made = new Serialized(JsonSerializer.SerializeToElement(this, Json));
        return Interlocked.CompareExchange(ref serialized, made, null) ?? made;
    }

    private RealtimeEventContext? sharedContext;

    /// <summary>What a handler receives on a connection that did not cause the event: one context per event,
    /// shared by every such connection (it is immutable), instead of one per delivery. A copy made with
    /// <c>with</c> inherits the field, hence the check that the context is this envelope's.</summary>
    internal RealtimeEventContext SharedContext()
    {
        var context = Volatile.Read(ref sharedContext);
        if (context is not null && ReferenceEquals(context.Envelope, this)) return context;
        // Pumps on several threads may race here; each gets a correct context and one of them is kept.
        context = new RealtimeEventContext(this, isOwnEcho: false);
        Volatile.Write(ref sharedContext, context);
        return context;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The envelope as JSON, serialised once.</summary>
    public JsonElement ToJsonElement() => SerializedForms().Element;

    /// <summary>The hub's <c>event(envelope)</c> invocation, serialised once per protocol and written to every hub
    /// connection it goes to.</summary>
    public Microsoft.AspNetCore.SignalR.SerializedHubMessage ToHubMessage()
    {
        var forms = SerializedForms();
        return forms.HubMessage ??= new Microsoft.AspNetCore.SignalR.SerializedHubMessage(
            new Microsoft.AspNetCore.SignalR.Protocol.InvocationMessage(App.Web.Realtime.Hub.RealtimeHub.EventMethod, [forms.Element]));
    }

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Parses an envelope from outside (Redis); anything malformed is null, never an exception.</summary>
    public static RealtimeEnvelope? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<RealtimeEnvelope>(json, Json);
            return envelope is not null && RealtimeEventNames.IsValidEvent(envelope.Event) ? envelope : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
