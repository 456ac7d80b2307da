using System.ComponentModel.DataAnnotations;
using App.Domain.Users;
using App.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace App.Web.Realtime.Clients;

/// <summary>Token endpoints for realtime clients that are not Blazor circuits.</summary>
public static class TokenEndpoints
{
    public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt);

    public sealed record PasswordRequest([property: Required] string? Email, [property: Required] string? Password);

    public static void MapTokenEndpoints(this IEndpointRouteBuilder app)
    {
        // A signed-in user (cookie or bearer) gets an access token for the hub.
        app.MapPost("/api/realtime/hub-token", async (HttpContext http, UserManager<AppUser> users, RealtimeTokens tokens) =>
        {
            var user = await users.GetUserAsync(http.User);
            if (user is null || user.IsDisabled) return Results.Unauthorized();
            var (token, expiresAt) = tokens.IssueAccess(user.Id, user.SecurityStamp ?? "");
            return Results.Ok(new TokenResponse(token, expiresAt));
        }).RequireAuthorization(RealtimePolicies.Client).DisableAntiforgery();

        // A CLI or mobile app signs in with email and password (lockout applies) and gets the same access token.
        app.MapPost("/api/auth/token", async (PasswordRequest? request, AppSignInManager signIn, RealtimeTokens tokens) =>
        {
            if (request is null || string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password)
                || request.Email.Length > 256 || request.Password.Length > 128)
                return Results.Problem("Send {\"email\": ..., \"password\": ...}.", statusCode: StatusCodes.Status400BadRequest);
            // Unknown emails take as long and answer the same as real accounts (AppSignInManager).
            var (user, result) = await signIn.CheckCredentialsAsync(request.Email.Trim(), request.Password);
            if (result.IsLockedOut) return Results.Problem("The account is locked or disabled.", statusCode: StatusCodes.Status401Unauthorized);
            if (!result.Succeeded || user is null) return Results.Problem("Invalid email or password.", statusCode: StatusCodes.Status401Unauthorized);
            var (token, expiresAt) = tokens.IssueAccess(user.Id, user.SecurityStamp ?? "");
            return Results.Ok(new TokenResponse(token, expiresAt));
        }).DisableAntiforgery();

        // A single-use, 60-second token for one EventSource connection.
        app.MapPost("/api/realtime/sse-token", async (HttpContext http, RealtimeTokens tokens) =>
        {
            var userId = http.User.Id();
            if (userId is null) return Results.Unauthorized();
            var (token, expiresAt) = tokens.IssueSse(userId, await SessionExpiryAsync(http));
            return Results.Ok(new TokenResponse(token, expiresAt));
        }).RequireAuthorization(RealtimePolicies.Client).DisableAntiforgery();
    }

    /// <summary>When the caller's access token (or else cookie) expires, so a stream it opens ends then too.</summary>
    private static async Task<DateTimeOffset?> SessionExpiryAsync(HttpContext http)
    {
        var bearer = await http.AuthenticateAsync(RealtimeBearerHandler.SchemeName);
        if (bearer.Succeeded) return bearer.Properties?.ExpiresUtc;
        var cookie = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        return cookie.Succeeded ? cookie.Properties?.ExpiresUtc : null;
    }
}

public static class RealtimePolicies
{
    /// <summary>Signed in with the cookie or a realtime bearer token.</summary>
    public const string Client = "realtime-client";
}
