using System.Collections.Concurrent;
using App.Domain.Events;

namespace App.Web.Realtime;

/// <summary>
/// Who may receive what: an index from scope key to connections. Finding an event's audience is one dictionary
/// lookup, so the cost of an event grows with its audience, not with the number of connections. Memberships are
/// resolved when a connection registers and then kept current by membership events, never re-queried per event.
/// </summary>
/// <remarks>
/// Consistency rules. A member's keys and its bucket entries change together under the member's lock (lock order:
/// member, then bucket), so a key is in a bucket exactly when it is in the member's set, and nothing is added to a
/// member once it is unregistered. Membership events win over membership lists resolved from the database (a
/// list may have been queried before the event's change committed): see <see cref="Member.Decided"/>.
/// </remarks>
public sealed class RealtimeAudience
{
    private readonly ConcurrentDictionary<string, Bucket> buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IRealtimeConnection, Member> members = new(ReferenceEqualityComparer.Instance);
    private long membershipVersion;

    public int ConnectionCount => members.Count;

    public bool IsRegistered(IRealtimeConnection connection) => members.ContainsKey(connection);

    /// <summary>Every registered connection, at this moment.</summary>
    public IReadOnlyList<IRealtimeConnection> Connections => [.. members.Keys];

    /// <summary>The distinct users with at least one registered connection.</summary>
    public IReadOnlyCollection<string> UserIds() =>
        members.Values.Select(m => m.UserId).OfType<string>().ToHashSet(StringComparer.Ordinal);

    /// <summary>Counts membership events applied so far. Read it before querying memberships for
    /// <see cref="ReplaceWorkspaces"/>, so events applied after the query keep precedence.</summary>
    public long MembershipVersion => Interlocked.Read(ref membershipVersion);

    /// <summary>Adds a connection: to the global audience, to its user's, and to each workspace it belongs to.</summary>
    public void Register(IRealtimeConnection connection, string? userId, IEnumerable<Guid> workspaceIds)
    {
        var member = new Member(userId);
        if (!members.TryAdd(connection, member)) throw new InvalidOperationException($"{connection.ConnectionId} is already registered.");
        lock (member)
        {
            Add(EventScope.Global.Key, connection, member);
            if (userId is not null) Add(EventScope.User(userId).Key, connection, member);
        }
        AddWorkspaces(connection, workspaceIds);
    }

    /// <summary>
    /// Registers a connection and then adds the memberships <paramref name="resolveMemberships"/> reads from the
    /// database, in that order: a membership event routed while the query runs already finds the connection, and a
    /// removal it carries wins over the (possibly older) list. Returns the scope keys the connection receives once
    /// joined (for SSE resume). A connection without a user gets the global scope only.
    /// </summary>
    public async Task<IReadOnlyList<string>> JoinAsync(IRealtimeConnection connection, string? userId,
        Func<string, Task<IReadOnlyList<Guid>>> resolveMemberships)
    {
        Register(connection, userId, []);
        if (userId is not null) AddWorkspaces(connection, await resolveMemberships(userId));
        return ScopeKeysOf(connection);
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

    /// <summary>Adds workspaces to one connection: its memberships, resolved from the database after it registered.
    /// A workspace the user was removed from since registering is skipped (the list may predate the removal).</summary>
    public void AddWorkspaces(IRealtimeConnection connection, IEnumerable<Guid> workspaceIds)
    {
        if (!members.TryGetValue(connection, out var member)) return;
        lock (member)
            foreach (var workspaceId in workspaceIds)
            {
                var key = EventScope.Workspace(workspaceId).Key;
                if (member.Decided.TryGetValue(key, out var decided) && !decided.IsMember) continue;
                Add(key, connection, member);
            }
    }

    /// <summary>Every connection of <paramref name="userId"/> joins the workspace's audience.</summary>
    public void AddMembership(string userId, Guid workspaceId)
    {
        var key = EventScope.Workspace(workspaceId).Key;
        var version = Interlocked.Increment(ref membershipVersion);
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

    /// <summary>Every connection of <paramref name="userId"/> leaves the workspace's audience, and a membership list
    /// resolved before this removal can no longer bring it back.</summary>
    public void RemoveMembership(string userId, Guid workspaceId)
    {
        var key = EventScope.Workspace(workspaceId).Key;
        var version = Interlocked.Increment(ref membershipVersion);
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
    /// Makes the workspaces of every connection of <paramref name="userId"/> exactly <paramref name="workspaceIds"/>
    /// (re-resolved from the database, e.g. after missing membership events during a Redis outage). A workspace
    /// whose membership event was applied after <paramref name="asOfVersion"/> (the <see cref="MembershipVersion"/>
    /// read before the query) keeps what that event decided. Returns how many memberships were added and removed.
    /// </summary>
    public (int Added, int Removed) ReplaceWorkspaces(string userId, IEnumerable<Guid> workspaceIds, long asOfVersion)
    {
        var wanted = workspaceIds.Select(w => EventScope.Workspace(w).Key).ToHashSet(StringComparer.Ordinal);
        var (added, removed) = (0, 0);
        foreach (var connection in ConnectionsOf(userId))
        {
            if (!members.TryGetValue(connection, out var member)) continue;
            lock (member)
            {
                if (member.Removed) continue;
                var current = member.Keys.Where(IsWorkspaceKey).ToList();
                foreach (var key in current)
                    if (!wanted.Contains(key) && !DecidedAfter(member, key, asOfVersion) && Remove(key, connection, member)) removed++;
                foreach (var key in wanted)
                    if (!DecidedAfter(member, key, asOfVersion) && Add(key, connection, member)) added++;
            }
        }
        return (added, removed);
    }

    /// <summary>A disabled user's connections leave every audience.</summary>
    public void RemoveUser(string userId)
    {
        foreach (var connection in ConnectionsOf(userId)) Unregister(connection);
    }

    public IReadOnlyList<IRealtimeConnection> ConnectionsOf(string userId) => Of(EventScope.User(userId));

    /// <summary>The scope keys a connection receives now (memberships included); none when it is not registered.</summary>
    public IReadOnlyList<string> ScopeKeysOf(IRealtimeConnection connection)
    {
        if (!members.TryGetValue(connection, out var member)) return [];
        lock (member) return [.. member.Keys];
    }

    /// <summary>The connections allowed to see <paramref name="scope"/>; none for an unknown scope.</summary>
    public IReadOnlyList<IRealtimeConnection> Of(EventScope scope) => Recipients(scope);

    /// <summary><see cref="Of"/> as the cached array itself, for the bridge's per-event loop (indexed, no interface
    /// enumerator). Callers must not modify it.</summary>
    internal IRealtimeConnection[] Recipients(EventScope scope) =>
        scope.IsKnown && buckets.TryGetValue(scope.Key, out var bucket) ? bucket.Snapshot() : [];

    private static bool IsWorkspaceKey(string key) => EventScope.Parse(key).Kind == EventScopeKind.Workspace;

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
    private sealed class Member(string? userId)
    {
        public string? UserId { get; } = userId;
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

        /// <summary>Workspace keys a membership event decided for this connection since it registered (member or
        /// not, and at which <see cref="MembershipVersion"/>): newer than any list resolved from the database.</summary>
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
