using System.Security.Claims;

namespace App.Web.Shell;

/// <summary>Light, dark, or following the system (the default). The latest choice made in this browser lives in a
/// cookie; a signed-in user's choice is also a user claim, so a browser they have not chosen in yet follows it. The
/// host page writes the result to <c>&lt;html data-theme&gt;</c>, where the stylesheets pick it up with no round
/// trip and no flash.</summary>
public static class ThemePreference
{
    public const string System = "system";
    public const string Light = "light";
    public const string Dark = "dark";

    public const string CookieName = "app.theme";
    public const string ClaimType = "app:theme";

    public static readonly IReadOnlyList<string> All = [System, Light, Dark];

    /// <summary>A known value, or null for anything else (a tampered cookie, an old claim).</summary>
    public static string? Parse(string? value) => value is not null && All.Contains(value) ? value : null;

    /// <summary>This browser's choice, else the user's saved one, else the system's.</summary>
    public static string For(ClaimsPrincipal user, string? cookie) =>
        Parse(cookie) ?? Parse(user.FindFirst(ClaimType)?.Value) ?? System;
}
