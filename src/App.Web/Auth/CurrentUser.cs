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

    /// <summary>Only app-local paths, so a crafted ReturnUrl cannot send a user to another site. The rules of
    /// <c>Url.IsLocalUrl</c> (which <c>LocalRedirect</c> enforces): a single leading '/', not followed by '/' or
    /// '\' (browsers read both as "another host"), and no control characters anywhere (a tab or newline can be
    /// dropped by the browser, turning "/\t/evil" into "//evil"). "~/" is refused too: links here are plain paths.</summary>
    public static string SafeReturnUrl(string? returnUrl, string fallback = "/") =>
        IsLocalPath(returnUrl) ? returnUrl! : fallback;

    private const int MaxReturnUrlLength = 2000;

    private static bool IsLocalPath(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxReturnUrlLength || url[0] != '/') return false;
        if (url.Length > 1 && url[1] is '/' or '\\') return false;
        foreach (var c in url)
        {
            if (char.IsControl(c)) return false;
        }
        return true;
    }
}
