using System.Buffers;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace App.Realtime.Hub;

/// <summary>
/// Several queued events written to a hub connection as one <see cref="SerializedHubMessage"/>: their already
/// serialised records, concatenated. Both hub protocols frame each record on its own (JSON ends it with 0x1e,
/// MessagePack prefixes its length), so every SignalR client reads K separate <c>event</c> invocations: one write
/// lock, one copy into the transport pipe and one flush instead of K. The bytes are rented: dispose only once the
/// write has completed (the pipe copies them synchronously; nothing keeps them after that).
/// </summary>
internal sealed class CoalescedHubMessage : IDisposable
{
    // One batch stays well within the transport's default 64 KB pipe, so a batch never waits on itself.
    public const int MaxBytes = 32 * 1024;

    private byte[]? rented;

    private CoalescedHubMessage(SerializedHubMessage message, byte[] rented)
    {
        Message = message;
        this.rented = rented;
    }

    public SerializedHubMessage Message { get; }

    /// <summary>The records of <paramref name="count"/> events from <paramref name="start"/> (<paramref name="bytes"/>
    /// long in total), in order.</summary>
    public static CoalescedHubMessage Create(IHubProtocol protocol, IReadOnlyList<RealtimeEvent> events, int start, int count, int bytes)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(bytes);
        var length = 0;
        for (var i = start; i < start + count; i++)
        {
            var record = Serialized(events[i], protocol);
            record.Span.CopyTo(buffer.AsSpan(length));
            length += record.Length;
        }
        var message = new SerializedHubMessage([new SerializedMessage(protocol.Name, buffer.AsMemory(0, length))]);
        return new CoalescedHubMessage(message, buffer);
    }

    /// <summary>The event's record in <paramref name="protocol"/>, serialised once and shared by every connection.</summary>
    public static ReadOnlyMemory<byte> Serialized(RealtimeEvent realtimeEvent, IHubProtocol protocol) =>
        realtimeEvent.ToHubMessage().GetSerializedMessage(protocol);

    public void Dispose()
    {
        if (rented is null) return;
        ArrayPool<byte>.Shared.Return(rented);
        rented = null;
    }
}
