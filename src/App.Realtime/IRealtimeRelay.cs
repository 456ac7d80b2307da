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

    /// <summary>Like <see cref="Send"/>, and completes true once the relay holds the event durably for the other
    /// instances, false when it could not take it (the caller keeps it and retries: the app's outbox).</summary>
    Task<bool> SendConfirmedAsync(RealtimeEvent realtimeEvent)
    {
        Send(realtimeEvent);
        return Task.FromResult(true);
    }

    /// <summary>Raised for events published on other instances.</summary>
    event Action<RealtimeEvent>? Received;
}
