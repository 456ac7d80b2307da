using App.Realtime.Presence;

namespace App.Web.Workspaces;

/// <summary>The words of the presence widgets: "Online now: Ann, Bob", initials, "Ann is editing".</summary>
public static class OnlineNowLabel
{
    public static string Of(PresenceState present) => "Online now: " + string.Join(", ", present.Entries.Select(e => e.Name));

    /// <summary>Up to two letters: the first of the first and the last word ("Ann Lee" -> "AL", "bob" -> "B").</summary>
    public static string Initials(string name)
    {
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0) return "?";
        var first = char.ToUpperInvariant(words[0][0]).ToString();
        return words.Length == 1 ? first : first + char.ToUpperInvariant(words[^1][0]);
    }

    /// <summary>"Ann is editing" for each other user with the project's dialog open.</summary>
    public static IReadOnlyList<string> EditorsOf(PresenceState present, Guid projectId, string? viewerId) =>
        present.Entries
            .Where(e => e.Key != viewerId && e.Is(PresenceActivities.Editing, projectId.ToString()))
            .Select(e => $"{e.Name} is editing")
            .ToArray();
}
