using System.Text.RegularExpressions;

namespace App.Realtime.Presence;

/// <summary>What one tracked connection says about its user: the name to show, what they are doing
/// (<c>viewing</c>, <c>editing</c>) and, optionally, on what (e.g. a project id).</summary>
public sealed partial record PresenceMeta(string Name, string Activity = PresenceActivities.Viewing, string? Subject = null)
{
    /// <summary>Throws for anything that cannot be shown or matched: an empty or overlong name, a malformed
    /// activity, an overlong subject.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200) throw new ArgumentException("A presence name must have 1 to 200 characters.");
        if (Activity is null || !ActivityPattern().IsMatch(Activity))
            throw new ArgumentException($"'{Activity}' is not a presence activity such as 'viewing' or 'editing'.");
        if (Subject is { Length: > 200 }) throw new ArgumentException("A presence subject has at most 200 characters.");
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex ActivityPattern();
}

public static class PresenceActivities
{
    public const string Viewing = "viewing";
    public const string Editing = "editing";
}

/// <summary>One user (key) present on a topic, with a meta per tracked connection: several tabs count once.</summary>
public sealed record PresenceEntry(string Key, IReadOnlyList<PresenceMeta> Metas)
{
    /// <summary>The name of the user's most recent meta.</summary>
    public string Name => Metas[^1].Name;

    /// <summary>True when one of the user's connections does <paramref name="activity"/> (on <paramref name="subject"/>,
    /// when given).</summary>
    public bool Is(string activity, string? subject = null) =>
        Metas.Any(m => m.Activity == activity && (subject is null || m.Subject == subject));
}

/// <summary>Who is present on a topic. <see cref="Version"/> grows with every change of the topic, so a view keeps
/// the newest state whatever order the notifications arrive in.</summary>
public sealed record PresenceState(string Topic, long Version, IReadOnlyList<PresenceEntry> Entries)
{
    public static PresenceState Empty(string topic) => new(topic, 0, []);

    public int Count => Entries.Count;

    public bool Contains(string key) => Entries.Any(e => e.Key == key);
}
