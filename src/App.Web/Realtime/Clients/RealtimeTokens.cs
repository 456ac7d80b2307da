using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace App.Web.Realtime.Clients;

/// <summary>
/// Tokens for clients that are not Blazor circuits: an access token (bearer, for the SignalR hub, bound to the
/// user's security stamp so signing out everywhere or being disabled revokes it) and a single-use SSE token
/// (REALTIME_SSE_TOKEN_SECONDS, default 60 s). Both are data-protected (signed and encrypted with the app's keys): forged or altered tokens do not
/// decrypt. They are never logged.
/// </summary>
public sealed class RealtimeTokens(IDataProtectionProvider protection, TimeProvider clock, App.Web.Configuration.AppSettings settings)
{
    private const int MaxTokenLength = 2048;

    private readonly ITimeLimitedDataProtector protector =
        protection.CreateProtector("App.Realtime.Tokens.v1").ToTimeLimitedDataProtector();

    public (string Token, DateTimeOffset ExpiresAt) IssueAccess(string userId, string securityStamp) =>
        Issue(new Claims("access", userId, StampHash(securityStamp), null), settings.AccessTokenLifetime);

    /// <summary>An SSE token; the stream it opens ends at <paramref name="sessionExpiresAt"/> (when the cookie or
    /// access token that asked for it expires), if given.</summary>
    public (string Token, DateTimeOffset ExpiresAt) IssueSse(string userId, DateTimeOffset? sessionExpiresAt = null) =>
        Issue(new Claims("sse", userId, null, Convert.ToHexString(RandomNumberGenerator.GetBytes(16))) { SessionExpiresAt = sessionExpiresAt },
            settings.SseTokenLifetime);

    /// <summary>The user, stamp hash and expiry of a valid, unexpired access token; null otherwise.</summary>
    public (string UserId, string StampHash, DateTimeOffset ExpiresAt)? ReadAccess(string? token) =>
        Read(token, "access", out var expiresAt) is { StampHash: { } stamp } claims ? (claims.UserId, stamp, expiresAt) : null;

    /// <summary>The user and nonce of a valid, unexpired SSE token, and when the stream it opens must end
    /// (SessionExpiresAt, null when it carries none); null otherwise. Single use is enforced by <see cref="ISseTokenNonces"/>.</summary>
    public (string UserId, string Nonce, DateTimeOffset ExpiresAt, DateTimeOffset? SessionExpiresAt)? ReadSse(string? token)
    {
        if (Read(token, "sse", out var expiresAt) is not { Nonce: { } nonce } claims) return null;
        return (claims.UserId, nonce, expiresAt, claims.SessionExpiresAt);
    }

    public static string StampHash(string? securityStamp) =>
        Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(securityStamp ?? "")))[..16];

    private (string, DateTimeOffset) Issue(Claims claims, TimeSpan lifetime)
    {
        var expiresAt = clock.GetUtcNow() + lifetime;
        var token = protector.Protect(JsonSerializer.Serialize(claims), expiresAt);
        return (token, expiresAt);
    }

    private Claims? Read(string? token, string kind, out DateTimeOffset expiresAt)
    {
        expiresAt = default;
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength) return null;
        try
        {
            var json = protector.Unprotect(token, out expiresAt);
            var claims = JsonSerializer.Deserialize<Claims>(json);
            return claims is not null && claims.Kind == kind && !string.IsNullOrEmpty(claims.UserId) && expiresAt > clock.GetUtcNow()
                ? claims
                : null;
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    private sealed record Claims(string Kind, string UserId, string? StampHash, string? Nonce)
    {
        public DateTimeOffset? SessionExpiresAt { get; init; }
    }
}
