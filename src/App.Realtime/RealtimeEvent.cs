using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace App.Realtime;

/// <summary>
/// The one shape of a realtime event, from the publisher to every transport (circuits, hub, SSE, Redis) and to
/// handlers: its <see cref="Name"/> (<c>projects.project.changed</c>), the <see cref="Topic"/> whose audience may
/// receive it (<c>workspace:{id}</c>, <c>user:{id}</c>, <c>global</c>), a small JSON payload, who caused it, and the
/// entity-change fields when it describes one. <see cref="Sequence"/> is unique across instances and doubles as the
/// SSE event id.
/// </summary>
public sealed record RealtimeEvent
{
    /// <summary>Unique per event, kept when an event is published again (an outbox retry) or relayed, so a receiver
    /// routes each event once (<see cref="RecentEventIds"/>). The publisher gives one to an event that has none.</summary>
    public string? Id { get; init; }
    public required string Name { get; init; }
    public required string Topic { get; init; }
    public JsonElement Payload { get; init; }
    public long Sequence { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    /// <summary>The user who caused it.</summary>
    public string? ActorId { get; init; }
    /// <summary>The circuit or connection that caused it, so it can recognise its own echo
    /// (<see cref="Circuits.IRealtimeCircuit.IsOwnEcho"/>).</summary>
    public string? OriginId { get; init; }
    // Entity-change fields: what happened to which entity (all null for a plain message such as a ping).
    public string? Source { get; init; }
    public string? Entity { get; init; }
    /// <summary>Exactly <c>Created</c>, <c>Updated</c> or <c>Deleted</c> (<see cref="RealtimeOperations"/>); a
    /// lifecycle step such as "closed" is an <see cref="Action"/>.</summary>
    public string? Operation { get; init; }
    public string? EntityId { get; init; }
    public string? Action { get; init; }
    public string? Reason { get; init; }
    /// <summary>The app instance that published it, so an instance ignores its own echo from Redis.</summary>
    public string? Instance { get; init; }

    /// <summary>The W3C trace context of the work that published it (<see cref="RealtimeTracing"/>), so deliveries on
    /// every instance join that trace.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The payload as <typeparamref name="T"/> (camelCase JSON, enums as strings).</summary>
    public T? PayloadAs<T>() => Payload.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
        ? default
        : Payload.Deserialize<T>(RealtimeJson.Options);

    // The forms clients get (hub, SSE) in one lazily made object, serialised once per event whatever the number of
    // connections: most events only go to circuits and never need them, and every event queued for a circuit stays
    // alive until delivered, so its size matters to the GC.
    private sealed class Serialized(JsonElement element)
    {
        public JsonElement Element { get; } = element;
        public SerializedHubMessage? HubMessage;
        public string? Json;
    }

    private Serialized? serialized;

    private Serialized SerializedForms()
    {
        if (Volatile.Read(ref serialized) is { } existing) return existing;
        // The instance and trace context are the relay's (echo suppression, joining traces across instances):
        // clients get neither, so they see no server topology and a frame is ~100 bytes lighter.
        var made = new Serialized(JsonSerializer.SerializeToElement(this with { Instance = null, TraceParent = null }, RealtimeJson.Wire));
        return Interlocked.CompareExchange(ref serialized, made, null) ?? made;
    }

    /// <summary>The event as a client receives it (an SSE <c>data:</c> line; the hub's argument): everything but the
    /// relay's <see cref="Instance"/> and <see cref="TraceParent"/>.</summary>
    public string ToClientJson()
    {
        var forms = SerializedForms();
        return forms.Json ??= forms.Element.GetRawText();
    }

    /// <summary>The whole event, as the Redis relay carries it between instances.</summary>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, RealtimeJson.Wire);

    /// <summary>The hub's <c>event(e)</c> invocation, serialised once per protocol and written to every hub
    /// connection it goes to.</summary>
    internal SerializedHubMessage ToHubMessage()
    {
        var forms = SerializedForms();
        return forms.HubMessage ??= new SerializedHubMessage(new InvocationMessage(Hub.RealtimeHub.EventMethod, [forms.Element]));
    }

    /// <summary>Parses an event from outside (Redis); anything malformed is null, never an exception.</summary>
    public static RealtimeEvent? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            var parsed = JsonSerializer.Deserialize<RealtimeEvent>(json, RealtimeJson.Wire);
            return parsed is not null && RealtimeEventNames.IsValid(parsed.Name) && RealtimeTopics.IsValid(parsed.Topic)
                && (parsed.Operation is null || RealtimeOperations.IsValid(parsed.Operation))
                ? parsed
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The three entity operations: a lifecycle ("closed", "archived") is an action, never an operation.</summary>
public static class RealtimeOperations
{
    public const string Created = "Created";
    public const string Updated = "Updated";
    public const string Deleted = "Deleted";

    public static bool IsValid(string? operation) => operation is Created or Updated or Deleted;
}

/// <summary>How events are written as JSON: camelCase, enums as strings, nulls left out.</summary>
public static class RealtimeJson
{
    /// <summary>For payloads (<see cref="RealtimeEvent.PayloadAs{T}"/>).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>For whole events on the wire (hub, SSE, Redis).</summary>
    public static readonly JsonSerializerOptions Wire = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
