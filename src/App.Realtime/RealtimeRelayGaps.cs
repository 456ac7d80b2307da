namespace App.Realtime;

/// <summary>
/// Where the relay tells whoever keeps events durably (the app's outbox) that entries sent since a time may never
/// have reached this instance: Redis restarted empty or trimmed entries before they were read. The outbox sends
/// those events again (receivers route an id once); connections are told they missed events either way.
/// </summary>
public sealed class RealtimeRelayGaps
{
    /// <summary>Raised with the time from which relayed events may be lost (on a relay thread: hand work off).</summary>
    public event Action<DateTimeOffset>? Lost;

    public void Report(DateTimeOffset since) => Lost?.Invoke(since);
}
