namespace App.Realtime.Presence;

/// <summary>One stored entry: a connection's meta under its user's key, and until when it counts.</summary>
internal sealed record PresenceRow(string Ref, string Key, PresenceMeta Meta, DateTimeOffset ExpiresAt);

/// <summary>Where presence lives: this process (default) or Redis (across instances). Every write returns the topic's
/// state after it, read atomically with a new version.</summary>
internal interface IPresenceStore
{
    Task<PresenceState> PutAsync(string topic, PresenceRow row, DateTimeOffset now);

    /// <summary>Null when the entry was not there (already removed or expired by someone else).</summary>
    Task<PresenceState?> RemoveAsync(string topic, string reference, DateTimeOffset now);

    Task<PresenceState> ListAsync(string topic, DateTimeOffset now);

    /// <summary>Extends this instance's rows; returns the topics where a row had gone (swept during an outage) and was
    /// written again, so their change is published.</summary>
    Task<IReadOnlyCollection<string>> RenewAsync(IReadOnlyCollection<(string Topic, PresenceRow Row)> rows);

    /// <summary>Removes expired rows of every topic; returns the states of the topics this call changed.</summary>
    Task<IReadOnlyList<PresenceState>> SweepAsync(DateTimeOffset now);
}

internal static class PresenceStates
{
    /// <summary>Rows grouped by key (first arrival first within a key), keys ordered by name then key.</summary>
    public static PresenceState From(string topic, long version, IEnumerable<PresenceRow> rows, DateTimeOffset now) =>
        new(topic, version, rows
            .Where(r => r.ExpiresAt > now)
            .GroupBy(r => r.Key, StringComparer.Ordinal)
            .Select(g => new PresenceEntry(g.Key, g.Select(r => r.Meta).ToArray()))
            .OrderBy(e => e.Name, StringComparer.CurrentCultureIgnoreCase)
            .ThenBy(e => e.Key, StringComparer.Ordinal)
            .ToArray());
}
