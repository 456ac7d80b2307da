namespace App.Realtime;

/// <summary>
/// The ids of the events routed on this instance lately, so an event delivered at least once (an outbox retry, a
/// relay entry read again, one event relayed by two instances, a replayed stream entry) is routed once. Bounded:
/// the oldest ids are forgotten first, past <see cref="Capacity"/>; a retry comes within seconds, so only a flood of
/// more than that many events in between could let a duplicate through.
/// </summary>
public sealed class RecentEventIds(int capacity = RecentEventIds.DefaultCapacity)
{
    public const int DefaultCapacity = 100_000;
    private readonly HashSet<string> ids = new(StringComparer.Ordinal);
    private readonly Queue<string> order = new();
    private readonly Lock gate = new();

    public int Capacity { get; } = capacity;

    /// <summary>Records <paramref name="id"/>; false when it was already recorded.</summary>
    public bool TryAdd(string id)
    {
        lock (gate)
        {
            if (!ids.Add(id)) return false;
            order.Enqueue(id);
            if (order.Count > Capacity) ids.Remove(order.Dequeue());
            return true;
        }
    }

    public bool Contains(string id)
    {
        lock (gate) return ids.Contains(id);
    }
}
