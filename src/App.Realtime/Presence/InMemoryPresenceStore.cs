namespace App.Realtime.Presence;

/// <summary>Presence of this process only (the default without Redis).</summary>
internal sealed class InMemoryPresenceStore : IPresenceStore
{
    private readonly Dictionary<string, Topic> topics = new(StringComparer.Ordinal);
    // One counter for every topic: a topic emptied (and forgotten) and joined again never goes back in version.
    private long version;

    private sealed class Topic
    {
        public long Version;
        public readonly List<PresenceRow> Rows = [];
    }

    public Task<PresenceState> PutAsync(string topic, PresenceRow row, DateTimeOffset now)
    {
        lock (topics)
        {
            var state = Get(topic);
            var index = state.Rows.FindIndex(r => r.Ref == row.Ref);
            if (index >= 0) state.Rows[index] = row;
            else state.Rows.Add(row);
            return Task.FromResult(Changed(topic, state, now));
        }
    }

    public Task<PresenceState?> RemoveAsync(string topic, string reference, DateTimeOffset now)
    {
        lock (topics)
        {
            if (!topics.TryGetValue(topic, out var state) || state.Rows.RemoveAll(r => r.Ref == reference) == 0)
                return Task.FromResult<PresenceState?>(null);
            return Task.FromResult<PresenceState?>(Changed(topic, state, now));
        }
    }

    public Task<PresenceState> ListAsync(string topic, DateTimeOffset now)
    {
        lock (topics)
            return Task.FromResult(topics.TryGetValue(topic, out var state)
                ? PresenceStates.From(topic, state.Version, state.Rows, now)
                : PresenceState.Empty(topic));
    }

    public Task<IReadOnlyCollection<string>> RenewAsync(IReadOnlyCollection<(string Topic, PresenceRow Row)> rows)
    {
        var readded = new HashSet<string>(StringComparer.Ordinal);
        lock (topics)
            foreach (var (topic, row) in rows)
            {
                var state = Get(topic);
                var index = state.Rows.FindIndex(r => r.Ref == row.Ref);
                if (index >= 0) state.Rows[index] = row;
                else
                {
                    state.Rows.Add(row);
                    state.Version = ++version;
                    readded.Add(topic);
                }
            }
        return Task.FromResult<IReadOnlyCollection<string>>(readded);
    }

    public Task<IReadOnlyList<PresenceState>> SweepAsync(DateTimeOffset now)
    {
        var changed = new List<PresenceState>();
        lock (topics)
            foreach (var (name, state) in topics.ToArray())
            {
                if (state.Rows.RemoveAll(r => r.ExpiresAt <= now) > 0) changed.Add(Changed(name, state, now));
                if (state.Rows.Count == 0) topics.Remove(name);
            }
        return Task.FromResult<IReadOnlyList<PresenceState>>(changed);
    }

    private Topic Get(string topic)
    {
        if (!topics.TryGetValue(topic, out var state)) topics[topic] = state = new Topic();
        return state;
    }

    private PresenceState Changed(string topic, Topic state, DateTimeOffset now) =>
        PresenceStates.From(topic, state.Version = ++version, state.Rows, now);
}
