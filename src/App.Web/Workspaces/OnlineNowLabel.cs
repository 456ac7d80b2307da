using App.Realtime.Presence;

namespace App.Web.Workspaces;

/// <summary>The words of the presence widgets: "Online now: Ann, Bob", initials, "Ann is editing", "Ann is viewing".</summary>
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

    /// <summary>"Ann is editing" or "Ann is viewing" for each other user on the project (its dialog open, or its page):
    /// editing wins when a user does both in different tabs.</summary>
    public static IReadOnlyList<string> ActivityOf(PresenceState present, Guid projectId, string? viewerId)
    {
        var subject = projectId.ToString();
        return present.Entries
            .Where(e => e.Key != viewerId && (e.Is(PresenceActivities.Editing, subject) || e.Is(PresenceActivities.Viewing, subject)))
            .Select(e => e.Is(PresenceActivities.Editing, subject) ? $"{e.Name} is editing" : $"{e.Name} is viewing")
            .ToArray();
    }
}
