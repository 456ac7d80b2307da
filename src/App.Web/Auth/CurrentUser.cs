using System.Security.Claims;
using App.Domain.Common;

namespace App.Web.Auth;

public static class CurrentUser
{
    public static string? Id(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static string DisplayName(this ClaimsPrincipal user) =>
        user.FindFirstValue(AppClaims.DisplayName) ?? user.Identity?.Name ?? "";

    public static bool IsOperator(this ClaimsPrincipal user) => user.HasClaim(AppClaims.Operator, "true");

    /// <summary>The domain actor for this user; <paramref name="originId"/> names the circuit making the call.</summary>
    public static Actor ToActor(this ClaimsPrincipal user, string? originId = null) =>
        new(user.Id() ?? throw new InvalidOperationException("Not signed in."), originId);

    /// <summary>Only app-local paths, so a crafted ReturnUrl cannot send a user to another site.</summary>
    public static string SafeReturnUrl(string? returnUrl, string fallback = "/")
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.Length > 2000) return fallback;
        if (!returnUrl.StartsWith('/') || returnUrl.StartsWith("//") || returnUrl.StartsWith("/\\")) return fallback;
        return returnUrl;
    }
}
