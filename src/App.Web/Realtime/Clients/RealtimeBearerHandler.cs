using System.Text.Encodings.Web;
using App.Domain.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace App.Web.Realtime.Clients;

/// <summary>Authenticates non-browser realtime clients with an access token from <c>POST /api/auth/token</c> or
/// <c>POST /api/realtime/hub-token</c>: <c>Authorization: Bearer ...</c>, or <c>?access_token=</c> on the hub
/// (browsers cannot set headers on WebSockets). The user must still exist, be enabled, and have the same
/// security stamp as when the token was issued.</summary>
public sealed class RealtimeBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    RealtimeTokens tokens, UserManager<AppUser> users, SignInManager<AppUser> signIn)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "RealtimeBearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken();
        if (token is null) return AuthenticateResult.NoResult();
        if (tokens.ReadAccess(token) is not { } access) return AuthenticateResult.Fail("Invalid or expired token.");
        var user = await users.FindByIdAsync(access.UserId);
        if (user is null || user.IsDisabled || RealtimeTokens.StampHash(user.SecurityStamp) != access.StampHash)
            return AuthenticateResult.Fail("Token revoked.");
        var principal = await signIn.CreateUserPrincipalAsync(user);
        // The hub closes a connection at ExpiresUtc (CloseOnAuthenticationExpiration): the token's expiry holds on open connections.
        return AuthenticateResult.Success(new AuthenticationTicket(principal, new AuthenticationProperties { ExpiresUtc = access.ExpiresAt }, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    private string? ReadToken()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header["Bearer ".Length..].Trim();
        if (Request.Path.StartsWithSegments("/hubs") && Request.Query.TryGetValue("access_token", out var query)) return query.ToString();
        return null;
    }
}
