using System.Security.Cryptography;
using System.Text;

namespace App.Domain.Workspaces;

/// <summary>The secret in an invite link (256 random bits, URL-safe) and the hash that is stored instead of it.</summary>
public static class InviteTokens
{
    public const int MaxLength = 64;

    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Anything that could not have come from <see cref="New"/> is refused before touching the database.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: > 0 and <= MaxLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
