using System.Security.Cryptography;
using System.Text;

namespace App.Realtime.Redis;

/// <summary>
/// Authenticates relay messages, so only app instances holding the shared key can put events (a membership
/// granted, a user disabled, a project changed) into other instances' audiences; anyone else with access to
/// Redis cannot. A message is the 32-byte HMAC-SHA256 of <c>channel + "\n" + json</c> followed by the event's
/// UTF-8 JSON; binding the channel keeps a message from one prefix from being replayed into another.
/// </summary>
public sealed class RelaySignature
{
    /// <summary>Shorter keys are refused: the key is the whole defence of the relay.</summary>
    public const int MinimumKeyLength = 32;
    private const int MacLength = HMACSHA256.HashSizeInBytes;

    private readonly byte[] key;
    private readonly byte[] channelPrefix;

    public RelaySignature(string key, string channel)
    {
        if (!IsStrongEnough(key))
            throw new ArgumentException($"The realtime relay key must be at least {MinimumKeyLength} characters.", nameof(key));
        this.key = Encoding.UTF8.GetBytes(key);
        channelPrefix = Encoding.UTF8.GetBytes(channel + "\n");
    }

    public static bool IsStrongEnough(string? key) => key is not null && key.Trim().Length >= MinimumKeyLength;

    /// <summary>The message to publish for <paramref name="json"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> json)
    {
        var message = new byte[MacLength + json.Length];
        json.CopyTo(message.AsSpan(MacLength));
        Mac(json, message.AsSpan(0, MacLength));
        return message;
    }

    /// <summary>The JSON of a message signed with this key for this channel; false for anything else.</summary>
    public bool TryVerify(ReadOnlyMemory<byte> message, out ReadOnlyMemory<byte> json)
    {
        json = default;
        if (message.Length <= MacLength) return false;
        Span<byte> expected = stackalloc byte[MacLength];
        Mac(message.Span[MacLength..], expected);
        // Constant time: how much of a forged MAC matched must not show in the timing.
        if (!CryptographicOperations.FixedTimeEquals(expected, message.Span[..MacLength])) return false;
        json = message[MacLength..];
        return true;
    }

    private void Mac(ReadOnlySpan<byte> json, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(channelPrefix);
        hmac.AppendData(json);
        hmac.GetHashAndReset(destination);
    }
}
