namespace App.Realtime;

/// <summary>A transport that receives every routed event and applies the topic rules itself (the SSE replay
/// buffer). <paramref name="fromThisInstance"/> is false for events relayed from another instance.</summary>
public interface IRealtimeSink
{
    void Publish(RealtimeEvent realtimeEvent, bool fromThisInstance);
}

/// <summary>Carries events to the other app instances (Redis) and back.</summary>
public interface IRealtimeRelay
{
    /// <summary>Sends an event published here to every other instance. Never throws; failures are counted.</summary>
    void Send(RealtimeEvent realtimeEvent);

    /// <summary>Raised for events published on other instances.</summary>
    event Action<RealtimeEvent>? Received;
}
