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
    /// dropped by the browser, turning "/\t/evil" into "//evil"). "~/" is refused too: links here are plain paths.
    /// Non-ASCII characters come back percent-encoded (UTF-8): a Location header may only hold ASCII, and
    /// "/w/café" as is made the redirect throw (a 500).</summary>
    public static string SafeReturnUrl(string? returnUrl, string fallback = "/") =>
        IsLocalPath(returnUrl) && AsciiOnly(returnUrl!) is { } ascii ? ascii : fallback;

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

    /// <summary>The URL with every non-ASCII character as UTF-8 %XX; null when it holds a lone surrogate.</summary>
    private static string? AsciiOnly(string url)
    {
        if (url.All(char.IsAscii)) return url;
        var builder = new System.Text.StringBuilder(url.Length * 2);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < url.Length;)
        {
            if (System.Text.Rune.DecodeFromUtf16(url.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done)
                return null;
            if (rune.IsAscii) builder.Append((char)rune.Value);
            else
            {
                var length = rune.EncodeToUtf8(utf8);
                for (var b = 0; b < length; b++) builder.Append('%').Append(utf8[b].ToString("X2"));
            }
            i += used;
        }
        return builder.Length <= MaxReturnUrlLength ? builder.ToString() : null;
    }
}
