using App.Domain.Users;
using App.Realtime.Sse;
using Microsoft.AspNetCore.Identity;

namespace App.Web.Realtime.Clients;

/// <summary>SSE streams are opened with a single-use, short-lived token (<c>?token=</c> from
/// <c>POST /api/realtime/sse-token</c>; <c>EventSource</c> cannot send headers), for a user who still exists and is
/// enabled. While single use cannot be checked (Redis down) the answer is 503 with Retry-After. The token itself is
/// never logged.</summary>
public sealed class SseTokenAuthenticator(RealtimeTokens tokens, ISseTokenNonces nonces, UserManager<AppUser> users)
    : IRealtimeSseAuthenticator
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async Task<SseAuthentication> AuthenticateAsync(HttpContext http)
    {
        var token = http.Request.Query["token"].ToString();
        var sse = tokens.ReadSse(token);
        var use = sse is null ? SseTokenUse.Reused : await nonces.TryConsumeAsync(sse.Value.Nonce, sse.Value.ExpiresAt);
        if (use == SseTokenUse.Unavailable)
            return SseAuthentication.Unavailable("SSE tokens cannot be checked right now (Redis is unreachable); try again shortly.", RetryAfter);
        if (use != SseTokenUse.First || sse is not { } valid)
            return SseAuthentication.Refused("A valid, unused SSE token is required: POST /api/realtime/sse-token.");
        var user = await users.FindByIdAsync(valid.UserId);
        return user is null || user.IsDisabled ? SseAuthentication.Refused("The account is not available.") : SseAuthentication.For(user.Id, valid.SessionExpiresAt);
    }
}
