namespace App.Web.Realtime;

/// <summary>The last events this instance routed, across every scope, for the operator console's live tail.</summary>
public sealed class RealtimeTail
{
    public const int Capacity = 100;
    private readonly Queue<RealtimeEnvelope> recent = new(Capacity);

    /// <summary>Raised on the routing thread; subscribers must hop to their own dispatcher.</summary>
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
        Appended?.Invoke(envelope);
    }
}
