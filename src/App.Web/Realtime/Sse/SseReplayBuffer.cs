namespace App.Web.Realtime.Sse;

/// <summary>
/// The recent events of each scope, so an SSE client that reconnects with <c>Last-Event-ID</c> gets exactly what it
/// missed. Bounded: <see cref="PerScope"/> events per scope, <see cref="MaxScopes"/> scopes (least recently written
/// dropped first). When what a client missed is no longer here (too old, or from before this process started), the
/// answer is "reset": the client reloads instead of silently missing events.
/// </summary>
public sealed class SseReplayBuffer(RealtimeSequence sequence) : IRealtimeSink
{
    public const int PerScope = 256;
    public const int MaxScopes = 10_000;

    private readonly object gate = new();
    private readonly Dictionary<string, ScopeRing> rings = new(StringComparer.Ordinal);
    private readonly LinkedList<string> recency = new();
    // Events at or below this number may have existed and are not all here (process start, evicted scopes).
    private long floor = sequence.Current;

    public void Publish(RealtimeEnvelope envelope, bool fromThisInstance)
    {
        if (!envelope.Scope.IsKnown) return;
        lock (gate)
        {
            var key = envelope.ScopeKey;
            if (!rings.TryGetValue(key, out var ring))
            {
                if (rings.Count >= MaxScopes)
                {
                    var oldest = recency.First!.Value;
                    recency.RemoveFirst();
                    floor = Math.Max(floor, rings[oldest].Newest);
                    rings.Remove(oldest);
                }
                ring = new ScopeRing(recency.AddLast(key), floor);
                rings[key] = ring;
            }
            else
            {
                recency.Remove(ring.Node);
                recency.AddLast(ring.Node);
            }
            ring.Add(envelope);
        }
    }

    /// <summary>Events in <paramref name="scopeKeys"/> after <paramref name="lastEventId"/>, in sequence order; or
    /// <c>Reset = true</c> when some of them are no longer known.</summary>
    public (bool Reset, IReadOnlyList<RealtimeEnvelope> Events) After(IEnumerable<string> scopeKeys, long lastEventId)
    {
        var result = new List<RealtimeEnvelope>();
        lock (gate)
        {
            foreach (var key in scopeKeys.Distinct())
            {
                if (!rings.TryGetValue(key, out var ring))
                {
                    if (lastEventId < floor) return (true, []);
                    continue;
                }
                if (lastEventId < ring.Watermark) return (true, []);
                result.AddRange(ring.After(lastEventId));
            }
        }
        result.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return (false, result);
    }

    private sealed class ScopeRing(LinkedListNode<string> node, long watermark)
    {
        private readonly Queue<RealtimeEnvelope> events = new(PerScope);
        public LinkedListNode<string> Node { get; } = node;
        /// <summary>Events of this scope at or below this number were dropped.</summary>
        public long Watermark { get; private set; } = watermark;
        public long Newest { get; private set; } = watermark;

        public void Add(RealtimeEnvelope envelope)
        {
            if (events.Count == PerScope) Watermark = events.Dequeue().Sequence;
            events.Enqueue(envelope);
            Newest = Math.Max(Newest, envelope.Sequence);
        }

        public IEnumerable<RealtimeEnvelope> After(long sequence) => events.Where(e => e.Sequence > sequence);
    }
}
