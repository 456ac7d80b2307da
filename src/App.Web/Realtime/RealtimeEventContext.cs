using System.Text.Json;
using App.Domain.Events;

namespace App.Web.Realtime;

/// <summary>What a subscriber's handler receives: the event, its payload and entity-change fields, its sequence,
/// and whether it was caused by this very circuit (<see cref="IsOwnEcho"/>).</summary>
public sealed class RealtimeEventContext
{
    public const string MissedEvent = "realtime.missed";

    internal RealtimeEventContext(RealtimeEnvelope envelope, bool isOwnEcho, long missed = 0)
    {
        Envelope = envelope;
        IsOwnEcho = isOwnEcho;
        Missed = missed;
    }

    public RealtimeEnvelope Envelope { get; }
    public string Event => Envelope.Event;
    public JsonElement Payload => Envelope.Payload;
    public EventScope Scope => Envelope.Scope;
    public long Sequence => Envelope.Sequence;
    public DateTimeOffset OccurredAt => Envelope.OccurredAt;
    public string? Source => Envelope.Source;
    public string? Entity => Envelope.Entity;
    public EntityOperation? Operation => Envelope.Operation;
    public string? EntityId => Envelope.EntityId;
    public string? Action => Envelope.Action;
    public string? Reason => Envelope.Reason;
    public string? ActorId => Envelope.ActorId;
    public string? OriginId => Envelope.OriginId;

    /// <summary>True when this circuit caused the event (its origin id): the change is already on screen.</summary>
    public bool IsOwnEcho { get; }

    /// <summary>For <see cref="MissedEvent"/>: how many events this circuit dropped because it fell behind; 0 when
    /// the number is unknown (events from other instances lost during a Redis outage). Every subscription receives
    /// it, whatever its filter, so it can reload.</summary>
    public long Missed { get; }

    public bool IsMissed => Event == MissedEvent;

    public T? PayloadAs<T>() => Payload.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
        ? default
        : Payload.Deserialize<T>(RealtimePayload.JsonOptions);

    internal static RealtimeEventContext ForMissed(long missed) => new(new RealtimeEnvelope
    {
        Event = MissedEvent,
        OccurredAt = DateTimeOffset.UtcNow,
        Payload = JsonSerializer.SerializeToElement(new { missed }),
    }, isOwnEcho: false, missed);
}
