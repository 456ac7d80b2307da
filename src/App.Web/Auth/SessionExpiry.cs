using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace App.Web.Auth;

/// <summary>
/// When a signed-in session ends, as a claim a circuit can see. A cookie ends in the browser when it expires, but a
/// circuit keeps the principal it started with for as long as the tab stays open: without this, an open page outlived
/// its session. Each request stamps the principal with its cookie's expiry (<see cref="AppClaims.SessionExpires"/>),
/// and the circuit's periodic check (<see cref="AppAuthenticationStateProvider"/>) signs it out once that has passed.
/// </summary>
internal static class SessionExpiry
{
    /// <summary>Stamps the request's principal with the expiry of the cookie it will hold after this request.</summary>
    public static void Stamp(CookieValidatePrincipalContext context, DateTimeOffset now)
    {
        if (context.Principal?.Identity is not ClaimsIdentity { IsAuthenticated: true } identity) return;
        // A renewed cookie (the stamp check renews it on every request) is issued now, so it ends a full lifetime
        // from now; otherwise the ticket's own expiry holds.
        var expires = context.ShouldRenew ? now + context.Options.ExpireTimeSpan : context.Properties.ExpiresUtc;
        if (expires is null) return;
        // A principal read back from a renewed cookie carries the previous request's stamp: replace it.
        foreach (var stale in identity.FindAll(AppClaims.SessionExpires).ToList()) identity.RemoveClaim(stale);
        // Rounded up, plus a second: the ticket's own expiry is computed a moment after this one, and a page that
        // reloaded just before it would still be signed in (and renew the session) instead of signing out.
        var seconds = (long)Math.Ceiling(expires.Value.ToUnixTimeMilliseconds() / 1000.0) + 1;
        identity.AddClaim(new Claim(AppClaims.SessionExpires, seconds.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
    }

    /// <summary>True when the principal's session has expired (false when it carries no expiry).</summary>
    public static bool HasPassed(ClaimsPrincipal user, DateTimeOffset now) =>
        long.TryParse(user.FindFirstValue(AppClaims.SessionExpires), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && DateTimeOffset.FromUnixTimeSeconds(seconds) <= now;
}
