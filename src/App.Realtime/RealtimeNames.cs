namespace App.Realtime;

/// <summary>Event names: dotted lowercase segments, at least two (<c>projects.project.changed</c>, <c>demo.ping</c>).
/// Checked on subscribe and on anything read from outside.</summary>
public static class RealtimeEventNames
{
    public const int MaxLength = 128;

    /// <summary>Reserved: subscribing to it (or passing <c>onMissed</c>) hears that events were missed.</summary>
    public const string Missed = "realtime.missed";

    // Checked on every publish: a loop over the chars rather than a regex, which was a tenth of an event's publishing
    // cost (bench/RealtimeBench, in-process fan-out at audience 10).
    /// <summary>True for <c>^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$</c>, at most <see cref="MaxLength"/> chars.</summary>
    public static bool IsValid(string? name)
    {
        if (name is not { Length: > 0 and <= MaxLength }) return false;
        var segments = 0;
        var start = 0;
        while (true)
        {
            var length = SegmentLength(name.AsSpan(start));
            if (length == 0) return false;
            segments++;
            start += length;
            if (start == name.Length) return segments >= 2;
            if (name[start] != '.') return false;
            start++;
        }
    }

    /// <summary>The length of the <c>[a-z][a-z0-9-]*</c> at the start of <paramref name="chars"/>; 0 when there is none.</summary>
    internal static int SegmentLength(ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty || !char.IsAsciiLetterLower(chars[0])) return 0;
        var i = 1;
        while (i < chars.Length && (char.IsAsciiLetterLower(chars[i]) || char.IsAsciiDigit(chars[i]) || chars[i] == '-')) i++;
        return i;
    }
}

/// <summary>
/// Topics: who may receive an event. <c>global</c> (every connection), <c>user:{id}</c> (that user's connections;
/// every connection with a user joins its own), or <c>{kind}:{id}</c> for anything the app's
/// <see cref="IRealtimeAudienceResolver"/> grants (e.g. <c>workspace:{id}</c>). A malformed topic reaches nobody.
/// </summary>
public static class RealtimeTopics
{
    public const string Global = "global";
    private const string UserPrefix = "user:";

    public static string User(string userId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return UserPrefix + userId;
    }

    public static bool IsUser(string topic) => topic.StartsWith(UserPrefix, StringComparison.Ordinal);

    /// <summary>True for <c>global</c> and <c>^[a-z][a-z0-9-]*:[^\s:][^\s]*$</c> (no whitespace anywhere), at most
    /// 512 chars. A loop rather than a regex, as for <see cref="RealtimeEventNames.IsValid"/>.</summary>
    public static bool IsValid(string? topic)
    {
        if (topic is not { Length: > 0 and <= 512 }) return false;
        if (topic == Global) return true;
        var kind = RealtimeEventNames.SegmentLength(topic);
        if (kind == 0 || kind + 1 >= topic.Length || topic[kind] != ':' || topic[kind + 1] == ':') return false;
        foreach (var c in topic.AsSpan(kind + 1))
            if (char.IsWhiteSpace(c)) return false;
        return true;
    }
}
