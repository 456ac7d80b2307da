namespace App.Web.Realtime;

/// <summary>One delivery target in the audience index: a circuit's subscriptions, an SSE stream, a test probe.</summary>
public interface IRealtimeConnection
{
    string ConnectionId { get; }

    /// <summary>Called on the publishing thread: must never block (queue it, or count it as missed).</summary>
    void Deliver(RealtimeEnvelope envelope);
}
