namespace App.Web.Realtime;

/// <summary>The last events this instance routed, across every scope, for the operator console's live tail.</summary>
public sealed class RealtimeTail
{
    public const int Capacity = 100;
    private readonly Queue<RealtimeEnvelope> recent = new(Capacity);

    /// <summary>Raised on a thread-pool thread, never on the routing thread: a subscriber (a console page rendering
    /// inline on its idle circuit) must not hold up routing, which runs under the bridge's ordering lock.</summary>
    public event Action<RealtimeEnvelope>? Appended;

    public IReadOnlyList<RealtimeEnvelope> Snapshot()
    {
        lock (recent) return recent.Reverse().ToList();
    }

    public void Add(RealtimeEnvelope envelope)
    {
        lock (recent)
        {
            if (recent.Count == Capacity) recent.Dequeue();
            recent.Enqueue(envelope);
        }
        if (Appended is { } handlers) ThreadPool.QueueUserWorkItem(static state => state.Handlers(state.Envelope), (Handlers: handlers, Envelope: envelope), preferLocal: false);
    }
}
