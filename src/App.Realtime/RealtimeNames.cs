using System.Text.RegularExpressions;

namespace App.Realtime;

/// <summary>Event names: dotted lowercase segments, at least two (<c>projects.project.changed</c>, <c>demo.ping</c>).
/// Checked on subscribe and on anything read from outside.</summary>
public static partial class RealtimeEventNames
{
    public const int MaxLength = 128;

    /// <summary>Reserved: subscribing to it (or passing <c>onMissed</c>) hears that events were missed.</summary>
    public const string Missed = "realtime.missed";

    public static bool IsValid(string? name) => name is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(name);

    [GeneratedRegex("^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$")]
    private static partial Regex Pattern();
}

/// <summary>
/// Topics: who may receive an event. <c>global</c> (every connection), <c>user:{id}</c> (that user's connections;
/// every connection with a user joins its own), or <c>{kind}:{id}</c> for anything the app's
/// <see cref="IRealtimeAudienceResolver"/> grants (e.g. <c>workspace:{id}</c>). A malformed topic reaches nobody.
/// </summary>
public static partial class RealtimeTopics
{
    public const string Global = "global";
    private const string UserPrefix = "user:";

    public static string User(string userId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return UserPrefix + userId;
    }

    public static bool IsUser(string topic) => topic.StartsWith(UserPrefix, StringComparison.Ordinal);

    public static bool IsValid(string? topic) =>
        topic is { Length: > 0 and <= 512 } && (topic == Global || Pattern().IsMatch(topic));

    [GeneratedRegex("^[a-z][a-z0-9-]*:[^\\s:][^\\s]*$")]
    private static partial Regex Pattern();
}
