namespace App.Realtime.Sse;

/// <summary>
/// The recent events of each topic, so an SSE client that reconnects with <c>Last-Event-ID</c> gets exactly what it
/// missed. Resume is by arrival position, not by comparing ids: ids are unique across instances but events from
/// different instances arrive in no numeric order, so "ids greater than N" would skip or repeat events. Every routed
/// event gets a local, strictly increasing arrival index (the bridge feeds this buffer under its ordering lock);
/// <see cref="After"/> finds where the client's last event arrived and returns what arrived after it.
/// Bounded: <see cref="PerTopic"/> events per topic, <see cref="MaxTopics"/> topics (least recently written dropped
/// first). When what a client missed is no longer here (evicted, or its last id is from before this process
/// started or unknown), the answer is "reset": the client reloads instead of silently missing events.
/// A resume holds only events the user could see when they arrived: every topic grant and removal
/// (<see cref="RealtimeAudience.TopicAccessChanged"/>) is recorded at its arrival position, so a workspace's events
/// from before the user joined it, or from while they were removed, are left out (bounded too: when that history
/// was dropped, the answer is "reset").
/// A presence event carries the topic's whole presence state, so a resume needs only the latest: an older one is kept
/// as a marker of where it arrived (its id still resumes) without the event, which at 100 tabs in a workspace is
/// ~7 KB, 256 of them per workspace otherwise.
/// </summary>
public sealed class SseReplayBuffer : IRealtimeSink
{
    public const int PerTopic = 256;
    public const int MaxTopics = 10_000;
    /// <summary>(user, topic) pairs whose grants and removals are remembered; past it the history starts over.</summary>
    public const int MaxAccessLogs = 100_000;
    private const int ChangesPerAccessLog = 32;

    private readonly object gate = new();
    private readonly Dictionary<string, TopicRing> rings = new(StringComparer.Ordinal);
    private readonly LinkedList<string> recency = new();
    // Where each event still held arrived; bounded by the rings (an entry leaves with its event).
    private readonly Dictionary<long, long> arrivalOfId = new();
    private long arrivals;
    // Events that arrived at or before this index may have been dropped with a whole topic.
    private long evictedThrough;
    private readonly Dictionary<(string User, string Topic), AccessLog> access = new();
    // Grants and removals at or before this index may have been forgotten (the access history started over).
    private long accessForgottenThrough;

    /// <summary>Records that <paramref name="userId"/> gained or lost <paramref name="topic"/> after the events that
    /// have arrived so far (wired to <see cref="RealtimeAudience.TopicAccessChanged"/>).</summary>
    public void OnTopicAccessChanged(string userId, string topic, bool granted)
    {
        lock (gate)
        {
            if (!access.TryGetValue((userId, topic), out var log))
            {
                if (access.Count >= MaxAccessLogs)
                {
                    access.Clear();
                    accessForgottenThrough = arrivals;
                }
                access[(userId, topic)] = log = new AccessLog();
            }
            log.Add(arrivals, granted);
        }
    }

    public void Publish(RealtimeEvent realtimeEvent, bool fromThisInstance)
    {
        if (!RealtimeTopics.IsValid(realtimeEvent.Topic)) return;
        lock (gate)
        {
            var key = realtimeEvent.Topic;
            if (!rings.TryGetValue(key, out var ring))
            {
                if (rings.Count >= MaxTopics) EvictLeastRecentTopic();
                ring = new TopicRing(recency.AddLast(key), evictedThrough);
                rings[key] = ring;
            }
            else
            {
                recency.Remove(ring.Node);
                recency.AddLast(ring.Node);
            }
            var arrived = new Arrived(++arrivals, realtimeEvent);
            if (ring.Add(arrived) is { } dropped) Forget(dropped);
            arrivalOfId[realtimeEvent.Sequence] = arrived.Index;
        }
    }

    /// <summary>Events in <paramref name="topics"/> that arrived after the event <paramref name="lastEventId"/>, in
    /// arrival order; or <c>Reset = true</c> when that event is unknown here or some of those events were dropped.</summary>
    public (bool Reset, IReadOnlyList<RealtimeEvent> Events) After(IEnumerable<string> topics, long lastEventId, string? userId = null)
    {
        var result = new List<Arrived>();
        lock (gate)
        {
            if (!arrivalOfId.TryGetValue(lastEventId, out var after)) return (true, []);
            if (userId is not null && after < accessForgottenThrough) return (true, []);
            foreach (var key in topics.Distinct())
            {
                if (!rings.TryGetValue(key, out var ring))
                {
                    if (after < evictedThrough) return (true, []);
                    continue;
                }
                if (after < ring.DroppedThrough) return (true, []);
                var log = userId is not null && access.TryGetValue((userId, key), out var found) ? found : null;
                if (log is null)
                {
                    result.AddRange(ring.After(after));
                    continue;
                }
                if (after < log.ForgottenThrough) return (true, []);
                result.AddRange(ring.After(after).Where(a => log.CouldSee(a.Index)));
            }
        }
        result.Sort((a, b) => a.Index.CompareTo(b.Index));
        return (false, result.ConvertAll(a => a.Event!));
    }

    private void EvictLeastRecentTopic()
    {
        var oldest = recency.First!.Value;
        recency.RemoveFirst();
        var ring = rings[oldest];
        rings.Remove(oldest);
        evictedThrough = Math.Max(evictedThrough, ring.Newest);
        foreach (var arrived in ring.Events) Forget(arrived);
    }

    private void Forget(Arrived arrived)
    {
        // Only if the id still points at this arrival (an id seen twice keeps its latest arrival).
        if (arrivalOfId.TryGetValue(arrived.Sequence, out var index) && index == arrived.Index)
            arrivalOfId.Remove(arrived.Sequence);
    }

    private sealed class Arrived(long index, RealtimeEvent realtimeEvent)
    {
        public long Index { get; } = index;
        public long Sequence { get; } = realtimeEvent.Sequence;
        /// <summary>Null once a later state of the same topic replaced it (<see cref="TopicRing.Add"/>).</summary>
        public RealtimeEvent? Event { get; set; } = realtimeEvent;
    }

    /// <summary>One user's grants and removals of one topic, each at the arrival index it followed.</summary>
    private sealed class AccessLog
    {
        private readonly List<(long After, bool Granted)> changes = [];
        /// <summary>Changes at or before this index were dropped to bound the log.</summary>
        public long ForgottenThrough { get; private set; }

        public void Add(long after, bool granted)
        {
            if (changes.Count == ChangesPerAccessLog)
            {
                ForgottenThrough = changes[ChangesPerAccessLog / 2 - 1].After;
                changes.RemoveRange(0, ChangesPerAccessLog / 2);
            }
            changes.Add((after, granted));
        }

        /// <summary>Whether the user held the topic when the event at <paramref name="index"/> arrived: as the last
        /// change before it left it; before the first change, the opposite of that change.</summary>
        public bool CouldSee(long index)
        {
            for (var i = changes.Count - 1; i >= 0; i--)
                if (changes[i].After < index) return changes[i].Granted;
            return changes.Count == 0 || !changes[0].Granted;
        }
    }

    private sealed class TopicRing(LinkedListNode<string> node, long droppedThrough)
    {
        private readonly Queue<Arrived> events = new(PerTopic);
        public LinkedListNode<string> Node { get; } = node;
        /// <summary>Events of this topic that arrived at or before this index may have been dropped.</summary>
        public long DroppedThrough { get; private set; } = droppedThrough;
        public long Newest { get; private set; } = droppedThrough;
        public IEnumerable<Arrived> Events => events;
        private Arrived? latestPresence;

        /// <summary>Adds an event; returns the one that made room, if any.</summary>
        public Arrived? Add(Arrived arrived)
        {
            Arrived? dropped = null;
            if (events.Count == PerTopic)
            {
                dropped = events.Dequeue();
                DroppedThrough = dropped.Index;
            }
            if (arrived.Event!.Name == Presence.PresenceEvents.Changed)
            {
                latestPresence?.Event = null;
                latestPresence = arrived;
            }
            events.Enqueue(arrived);
            Newest = arrived.Index;
            return dropped;
        }

        public IEnumerable<Arrived> After(long index) => events.Where(e => e.Index > index && e.Event is not null);
    }
}
