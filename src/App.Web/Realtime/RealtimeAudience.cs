using System.Collections.Concurrent;
using App.Domain.Events;

namespace App.Web.Realtime;

/// <summary>
/// Who may receive what: an index from scope key to connections. Finding an event's audience is one dictionary
/// lookup, so the cost of an event grows with its audience, not with the number of connections. Memberships are
/// resolved when a connection registers and then kept current by membership events, never re-queried per event.
/// </summary>
public sealed class RealtimeAudience
{
    private readonly ConcurrentDictionary<string, Bucket> buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IRealtimeConnection, Member> members = new(ReferenceEqualityComparer.Instance);

    public int ConnectionCount => members.Count;

    public bool IsRegistered(IRealtimeConnection connection) => members.ContainsKey(connection);

    /// <summary>Adds a connection: to the global audience, to its user's, and to each workspace it belongs to.</summary>
    public void Register(IRealtimeConnection connection, string? userId, IEnumerable<Guid> workspaceIds)
    {
        var member = new Member(userId);
        if (!members.TryAdd(connection, member)) throw new InvalidOperationException($"{connection.ConnectionId} is already registered.");
        Add(EventScope.Global.Key, connection, member);
        if (userId is not null) Add(EventScope.User(userId).Key, connection, member);
        foreach (var workspaceId in workspaceIds) Add(EventScope.Workspace(workspaceId).Key, connection, member);
    }

    public void Unregister(IRealtimeConnection connection)
    {
        if (!members.TryRemove(connection, out var member)) return;
        string[] keys;
        lock (member) keys = [.. member.Keys];
        foreach (var key in keys)
            if (buckets.TryGetValue(key, out var bucket)) bucket.Remove(connection);
    }

    /// <summary>Adds workspaces to one connection (its memberships, resolved after it registered).</summary>
    public void AddWorkspaces(IRealtimeConnection connection, IEnumerable<Guid> workspaceIds)
    {
        if (!members.TryGetValue(connection, out var member)) return;
        foreach (var workspaceId in workspaceIds) Add(EventScope.Workspace(workspaceId).Key, connection, member);
    }

    /// <summary>Every connection of <paramref name="userId"/> joins the workspace's audience.</summary>
    public void AddMembership(string userId, Guid workspaceId)
    {
        var key = EventScope.Workspace(workspaceId).Key;
        foreach (var connection in ConnectionsOf(userId))
            if (members.TryGetValue(connection, out var member)) Add(key, connection, member);
    }

    /// <summary>Every connection of <paramref name="userId"/> leaves the workspace's audience.</summary>
    public void RemoveMembership(string userId, Guid workspaceId)
    {
        var key = EventScope.Workspace(workspaceId).Key;
        if (!buckets.TryGetValue(key, out var bucket)) return;
        foreach (var connection in ConnectionsOf(userId))
        {
            bucket.Remove(connection);
            if (members.TryGetValue(connection, out var member)) lock (member) member.Keys.Remove(key);
        }
    }

    /// <summary>A disabled user's connections leave every audience.</summary>
    public void RemoveUser(string userId)
    {
        foreach (var connection in ConnectionsOf(userId)) Unregister(connection);
    }

    public IReadOnlyList<IRealtimeConnection> ConnectionsOf(string userId) => Of(EventScope.User(userId));

    /// <summary>The connections allowed to see <paramref name="scope"/>; none for an unknown scope.</summary>
    public IReadOnlyList<IRealtimeConnection> Of(EventScope scope) =>
        scope.IsKnown && buckets.TryGetValue(scope.Key, out var bucket) ? bucket.Snapshot() : [];

    private void Add(string key, IRealtimeConnection connection, Member member)
    {
        lock (member)
        {
            if (!member.Keys.Add(key)) return;
        }
        buckets.GetOrAdd(key, _ => new Bucket()).Add(connection);
    }

    private sealed class Member(string? userId)
    {
        public string? UserId { get; } = userId;
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
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
