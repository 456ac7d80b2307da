namespace App.Web.Realtime;

/// <summary>A transport that receives every routed event and applies the scope rules itself (the SignalR hub
/// through its groups, the SSE replay buffer). <paramref name="fromThisInstance"/> is false for events
/// relayed from another instance through Redis.</summary>
public interface IRealtimeSink
{
    void Publish(RealtimeEnvelope envelope, bool fromThisInstance);
}

/// <summary>Carries events to the other app instances (Redis pub/sub) and back.</summary>
public interface IRealtimeRelay
{
    /// <summary>Sends an event published here to every other instance. Never throws; failures are counted.</summary>
    void Send(RealtimeEnvelope envelope);

    /// <summary>Raised for events published on other instances.</summary>
    event Action<RealtimeEnvelope>? Received;
}
