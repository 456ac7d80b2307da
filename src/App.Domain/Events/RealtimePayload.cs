using System.Text.Json;

namespace App.Domain.Events;

/// <summary>Turns a payload DTO into the JSON every transport sends, once, and keeps it small.</summary>
public static class RealtimePayload
{
    /// <summary>Payloads are for telling clients what changed, not for shipping documents.</summary>
    public const int MaxBytes = 16 * 1024;

    /// <summary>camelCase, enums as strings ("status": "Open"): readable by any client.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private static readonly JsonElement Empty = JsonDocument.Parse("{}").RootElement.Clone();

    public static JsonElement Snapshot(object? payload, string eventName)
    {
        if (payload is null) return Empty;
        if (payload is JsonElement element) return element.Clone();
        byte[] bytes;
        try
        {
            bytes = JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), JsonOptions);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            throw new ArgumentException($"The payload of '{eventName}' ({payload.GetType().Name}) cannot be serialised: {ex.Message}", ex);
        }
        if (bytes.Length > MaxBytes)
            throw new ArgumentException($"The payload of '{eventName}' is {bytes.Length} bytes; the limit is {MaxBytes}. Send ids and let clients load the rest.");
        return JsonDocument.Parse(bytes).RootElement.Clone();
    }
}
