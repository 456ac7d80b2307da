namespace App.Web.Shell;

/// <summary>The surfaces of the app, derived from the route: placements and navigation follow them.</summary>
public static class ShellSurfaces
{
    public const string Home = "home";
    public const string Account = "account";
    public const string App = "app";
    public const string Console = "console";
    public const string Any = "*";

    public static readonly IReadOnlyList<string> All = [Home, Account, App, Console];

    /// <summary><c>/</c> and public pages: home; <c>/Account/*</c>: account; <c>/w/{slug}/*</c>: app;
    /// <c>/console/*</c> and <c>/_shell</c>: console.</summary>
    public static string FromPath(string path)
    {
        var p = "/" + path.TrimStart('/');
        if (StartsWithSegment(p, "/Account")) return Account;
        if (StartsWithSegment(p, "/w")) return App;
        if (StartsWithSegment(p, "/console") || StartsWithSegment(p, "/_shell")) return Console;
        return Home;
    }

    /// <summary>The workspace slug of an app-surface path (<c>/w/{slug}/...</c>), if any.</summary>
    public static string? WorkspaceSlug(string path)
    {
        var parts = path.Split('?', '#')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && parts[0] == "w" ? Uri.UnescapeDataString(parts[1]) : null;
    }

    private static bool StartsWithSegment(string path, string segment) =>
        path.StartsWith(segment, StringComparison.OrdinalIgnoreCase)
        && (path.Length == segment.Length || path[segment.Length] is '/' or '?' or '#');
}
