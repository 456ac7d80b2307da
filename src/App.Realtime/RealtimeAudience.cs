using System.Collections.Concurrent;

namespace App.Realtime;

/// <summary>
/// Who may receive what: an index from topic to connections. Finding an event's audience is one dictionary
/// lookup, so the cost of an event grows with its audience, not with the number of connections. A connection's
/// topics are resolved when it joins (<see cref="IRealtimeAudienceResolver"/>) and then kept current by the app's
/// <see cref="IRealtimeAudienceRule"/>s, never re-queried per event.
/// </summary>
/// <remarks>
/// Consistency rules. A member's keys and its bucket entries change together under the member's lock (lock order:
/// member, then bucket), so a topic is in a bucket exactly when it is in the member's set, and nothing is added to a
/// member once it is unregistered. Topics granted or removed by events win over lists resolved from the database
/// (a list may have been queried before the event's change committed): see <see cref="Member.Decided"/>.
/// </remarks>
public sealed class RealtimeAudience
{
    private readonly ConcurrentDictionary<string, Bucket> buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IRealtimeConnection, Member> members = new(ReferenceEqualityComparer.Instance);
    private long topicVersion;

    public int ConnectionCount => members.Count;

    public bool IsRegistered(IRealtimeConnection connection) => members.ContainsKey(connection);

    /// <summary>Every registered connection, at this moment.</summary>
    public IReadOnlyList<IRealtimeConnection> Connections => [.. members.Keys];

    /// <summary>The distinct users with at least one registered connection.</summary>
    public IReadOnlyCollection<string> UserIds() =>
        members.Values.Select(m => m.UserId).OfType<string>().ToHashSet(StringComparer.Ordinal);

    /// <summary>Counts topic grants and removals applied so far. Read it before resolving topics for
    /// <see cref="ReplaceTopics"/>, so changes applied after the query keep precedence.</summary>
    public long TopicVersion => Interlocked.Read(ref topicVersion);

    /// <summary>A user gained (true) or lost (false) a topic, whether or not they are connected now; raised by
    /// <see cref="AddTopic"/>, <see cref="RemoveTopic"/> and <see cref="ReplaceTopics"/>, under the publisher's
    /// ordering lock when a rule applies it. SSE resume uses it so a replay holds only what the user could see.</summary>
    public event Action<string, string, bool>? TopicAccessChanged;

    /// <summary>Adds a connection to the global audience, its user's, and <paramref name="topics"/>.</summary>
    public void Register(IRealtimeConnection connection, string? userId, IEnumerable<string> topics)
    {
        var member = new Member(userId, DateTimeOffset.UtcNow);
        if (!members.TryAdd(connection, member)) throw new InvalidOperationException($"{connection.ConnectionId} is already registered.");
        lock (member)
        {
            Add(RealtimeTopics.Global, connection, member);
            if (userId is not null) Add(RealtimeTopics.User(userId), connection, member);
        }
        AddTopics(connection, topics);
    }

    /// <summary>
    /// Registers a connection and then adds the topics <paramref name="resolveTopics"/> reads (from the app's
    /// database), in that order: an audience change routed while the query runs already finds the connection, and
    /// a removal it carries wins over the (possibly older) list. Returns the topics the connection hears once joined
    /// (for SSE resume). A connection without a user hears the global topic only.
    /// </summary>
    public async Task<IReadOnlyList<string>> JoinAsync(IRealtimeConnection connection, string? userId,
        Func<string, Task<IReadOnlyList<string>>> resolveTopics)
    {
        Register(connection, userId, []);
        if (userId is not null) AddTopics(connection, await resolveTopics(userId));
        return TopicsOf(connection);
    }

    public void Unregister(IRealtimeConnection connection)
    {
        if (!members.TryRemove(connection, out var member)) return;
        lock (member)
        {
            // Under the lock: an Add in progress either finished (its key is removed here) or sees Removed.
            member.Removed = true;
            foreach (var key in member.Keys)
                if (buckets.TryGetValue(key, out var bucket)) bucket.Remove(connection);
            member.Keys.Clear();
        }
    }

    /// <summary>Adds topics to one connection, resolved after it registered. A topic the user lost since registering
    /// is skipped (the list may predate the removal); a malformed topic is ignored.</summary>
    public void AddTopics(IRealtimeConnection connection, IEnumerable<string> topics)
    {
        if (!members.TryGetValue(connection, out var member)) return;
        lock (member)
            foreach (var key in topics)
            {
                if (!RealtimeTopics.IsValid(key)) continue;
                if (member.Decided.TryGetValue(key, out var decided) && !decided.IsMember) continue;
                Add(key, connection, member);
            }
    }

    /// <summary>Every connection of <paramref name="userId"/> joins the topic's audience (e.g. a new membership).</summary>
    public void AddTopic(string userId, string topic)
    {
        if (!RealtimeTopics.IsValid(topic)) throw new ArgumentException($"'{topic}' is not a topic.", nameof(topic));
        var key = topic;
        var version = Interlocked.Increment(ref topicVersion);
        TopicAccessChanged?.Invoke(userId, key, true);
        foreach (var connection in ConnectionsOf(userId))
        {
            if (!members.TryGetValue(connection, out var member)) continue;
            lock (member)
            {
                member.Decided[key] = (true, version);
                Add(key, connection, member);
            }
        }
    }

    /// <summary>Every connection of <paramref name="userId"/> leaves the topic's audience, and a topic list resolved
    /// before this removal can no longer bring it back.</summary>
    public void RemoveTopic(string userId, string topic)
    {
        var key = topic;
        var version = Interlocked.Increment(ref topicVersion);
        TopicAccessChanged?.Invoke(userId, key, false);
        foreach (var connection in ConnectionsOf(userId))
        {
            if (!members.TryGetValue(connection, out var member)) continue;
            lock (member)
            {
                member.Decided[key] = (false, version);
                Remove(key, connection, member);
            }
        }
    }

    /// <summary>
    /// Makes the resolved topics of every connection of <paramref name="userId"/> exactly <paramref name="topics"/>
    /// (re-resolved, e.g. after missing audience changes during a Redis outage); the global and user topics stay. A
    /// topic changed after <paramref name="asOfVersion"/> (the <see cref="TopicVersion"/> read before the query)
    /// keeps what that change decided. Returns how many topics were added and removed.
    /// </summary>
    public (int Added, int Removed) ReplaceTopics(string userId, IEnumerable<string> topics, long asOfVersion)
    {
        var wanted = topics.Where(RealtimeTopics.IsValid).ToHashSet(StringComparer.Ordinal);
        var (added, removed) = (0, 0);
        var changed = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var connection in ConnectionsOf(userId))
        {
            if (!members.TryGetValue(connection, out var member)) continue;
            lock (member)
            {
                if (member.Removed) continue;
                var current = member.Keys.Where(IsResolvedTopic).ToList();
                foreach (var key in current)
                    if (!wanted.Contains(key) && !DecidedAfter(member, key, asOfVersion) && Remove(key, connection, member))
                    {
                        removed++;
                        changed[key] = false;
                    }
                foreach (var key in wanted)
                    if (!DecidedAfter(member, key, asOfVersion) && Add(key, connection, member))
                    {
                        added++;
                        changed[key] = true;
                    }
            }
        }
        foreach (var (key, granted) in changed) TopicAccessChanged?.Invoke(userId, key, granted);
        return (added, removed);
    }

    /// <summary>A user who may no longer hear anything (disabled): their connections leave every audience and are
    /// revoked (each ends once what is already queued for it has gone out).</summary>
    public void RemoveUser(string userId)
    {
        foreach (var connection in ConnectionsOf(userId))
        {
            Unregister(connection);
            connection.Revoke();
        }
    }

    /// <summary>
    /// The user's credentials changed (signed out everywhere, password changed, role changed): the connections of
    /// <paramref name="userId"/> that joined before <paramref name="joinedBefore"/> leave every audience and are revoked,
    /// as in <see cref="RemoveUser"/>; later ones (opened with the new credentials) stay. Returns how many were revoked.
    /// </summary>
    public int RevokeUser(string userId, DateTimeOffset joinedBefore)
    {
        var revoked = 0;
        foreach (var connection in ConnectionsOf(userId))
        {
            if (!members.TryGetValue(connection, out var member) || member.JoinedAt >= joinedBefore) continue;
            Unregister(connection);
            connection.Revoke();
            revoked++;
        }
        return revoked;
    }

    public IReadOnlyList<IRealtimeConnection> ConnectionsOf(string userId) => Of(RealtimeTopics.User(userId));

    /// <summary>The topics a connection hears now; none when it is not registered.</summary>
    public IReadOnlyList<string> TopicsOf(IRealtimeConnection connection)
    {
        if (!members.TryGetValue(connection, out var member)) return [];
        lock (member) return [.. member.Keys];
    }

    /// <summary>The connections allowed to hear <paramref name="topic"/>.</summary>
    public IReadOnlyList<IRealtimeConnection> Of(string topic) => Recipients(topic);

    /// <summary><see cref="Of"/> as the cached array itself, for the publisher's per-event loop (indexed, no
    /// interface enumerator). Callers must not modify it.</summary>
    internal IRealtimeConnection[] Recipients(string topic) =>
        buckets.TryGetValue(topic, out var bucket) ? bucket.Snapshot() : [];

    private static bool IsResolvedTopic(string key) => key != RealtimeTopics.Global && !RealtimeTopics.IsUser(key);

    private static bool DecidedAfter(Member member, string key, long version) =>
        member.Decided.TryGetValue(key, out var decided) && decided.Version > version;

    /// <summary>Caller holds the member's lock. False when already there or the member is unregistered.</summary>
    private bool Add(string key, IRealtimeConnection connection, Member member)
    {
        if (member.Removed || !member.Keys.Add(key)) return false;
        buckets.GetOrAdd(key, _ => new Bucket()).Add(connection);
        return true;
    }

    /// <summary>Caller holds the member's lock.</summary>
    private bool Remove(string key, IRealtimeConnection connection, Member member)
    {
        if (!member.Keys.Remove(key)) return false;
        if (buckets.TryGetValue(key, out var bucket)) bucket.Remove(connection);
        return true;
    }

    /// <summary>One registered connection's state; every field is guarded by locking the instance.</summary>
    private sealed class Member(string? userId, DateTimeOffset joinedAt)
    {
        public string? UserId { get; } = userId;
        public DateTimeOffset JoinedAt { get; } = joinedAt;
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

        /// <summary>Topics an audience change decided for this connection since it registered (granted or not, and
        /// at which <see cref="TopicVersion"/>): newer than any list resolved from the database.</summary>
        public Dictionary<string, (bool IsMember, long Version)> Decided { get; } = new(StringComparer.Ordinal);

        /// <summary>Set once by <see cref="Unregister"/>; nothing is added afterwards.</summary>
        public bool Removed { get; set; }
    }

    /// <summary>A set with a cached array for lock-free iteration; writes invalidate the cache, so a burst of
    /// connects costs one copy at the next event rather than one per connect.</summary>
    private sealed class Bucket
    {
        private readonly HashSet<IRealtimeConnection> set = new(ReferenceEqualityComparer.Instance);
        private IRealtimeConnection[]? snapshot = [];

        public void Add(IRealtimeConnection connection)
        {
            lock (set)
                if (set.Add(connection)) snapshot = null;
        }

        public void Remove(IRealtimeConnection connection)
        {
            lock (set)
                if (set.Remove(connection)) snapshot = null;
        }

        public IRealtimeConnection[] Snapshot()
        {
            var current = Volatile.Read(ref snapshot);
            if (current is not null) return current;
            lock (set) return snapshot ??= [.. set];
        }
    }
}
