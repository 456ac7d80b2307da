using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.Realtime;

/// <summary>The last events this instance routed, across every scope, for the operator console's live tail.</summary>
public sealed class RealtimeTail(ILogger<RealtimeTail>? logger = null)
{
    public const int Capacity = 100;
    private readonly Queue<RealtimeEvent> recent = new(Capacity);
    private readonly ILogger log = logger ?? NullLogger<RealtimeTail>.Instance;

    /// <summary>Raised on a thread-pool thread, never on the routing thread: a subscriber (a console page rendering
    /// inline on its idle circuit) must not hold up routing, which runs under the bridge's ordering lock.
    /// Each subscriber is called on its own: one that throws is logged and the others still hear of the event.</summary>
    public event Action<RealtimeEvent>? Appended;

    public IReadOnlyList<RealtimeEvent> Snapshot()
    {
        lock (recent) return recent.Reverse().ToList();
    }

    public void Add(RealtimeEvent realtimeEvent)
    {
        lock (recent)
        {
            if (recent.Count == Capacity) recent.Dequeue();
            recent.Enqueue(realtimeEvent);
        }
        if (Appended is { } handlers)
            ThreadPool.QueueUserWorkItem(static state => state.Tail.Notify(state.Handlers, state.Event),
                (Tail: this, Handlers: handlers, Event: realtimeEvent), preferLocal: false);
    }

    private void Notify(Action<RealtimeEvent> handlers, RealtimeEvent realtimeEvent)
    {
        // An exception escaping a thread-pool work item would end the process.
        foreach (var handler in handlers.GetInvocationList().Cast<Action<RealtimeEvent>>())
        {
            try
            {
                handler(realtimeEvent);
            }
            catch (Exception ex)
            {
                log.LogError(ex, "A realtime tail subscriber failed for {Event}", realtimeEvent.Name);
            }
        }
    }
}
