using System.Text.RegularExpressions;

namespace App.Domain.Events;

/// <summary>The naming rules every realtime event, source, entity and action must follow, checked
/// before anything is published so a typo fails loudly at the call site.</summary>
public static partial class RealtimeEventNames
{
    public const int MaxLength = 128;

    /// <summary>Dotted lowercase segments, at least two: <c>projects.project.changed</c>, <c>demo.ping</c>.</summary>
    public static bool IsValidEvent(string? name) =>
        name is { Length: > 0 and <= MaxLength } && EventPattern().IsMatch(name);

    /// <summary>One lowercase segment with dashes: <c>projects</c>, <c>runtime-closed</c>.</summary>
    public static bool IsValidToken(string? token) =>
        token is { Length: > 0 and <= 64 } && TokenPattern().IsMatch(token);

    public static string RequireEvent(string? name, string what = "realtime event") =>
        IsValidEvent(name)
            ? name!
            : throw new ArgumentException(
                $"Invalid {what} name '{name}': use dotted lowercase segments such as 'projects.project.changed'.");

    public static string RequireToken(string? token, string what) =>
        IsValidToken(token)
            ? token!
            : throw new ArgumentException(
                $"Invalid {what} '{token}': use one lowercase segment such as 'projects' or 'runtime-closed'.");

    [GeneratedRegex("^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$")]
    private static partial Regex EventPattern();

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex TokenPattern();
}
