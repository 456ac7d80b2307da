namespace App.Realtime;

/// <summary>One delivery target in the audience: a circuit, a hub connection, an SSE stream (or a test probe).
/// Every transport wraps a <see cref="RealtimeConnectionQueue"/>, so none of these ever blocks the publisher.</summary>
public interface IRealtimeConnection
{
    string ConnectionId { get; }

    /// <summary>Called on the publishing thread: must never block (queue it, or count it as missed).</summary>
    void Deliver(RealtimeEvent realtimeEvent);

    /// <summary>Events may have been lost for a reason outside this connection's queue (a Redis outage): tell
    /// whoever asked to hear about it, after what is already queued.</summary>
    void NotifyMissed() { }

    /// <summary>The user may no longer receive anything (e.g. disabled): end the connection once what is already
    /// queued has gone out. The audience has already removed it.</summary>
    void Revoke() { }
}
