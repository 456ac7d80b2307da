using System.Diagnostics.Metrics;

namespace App.Web.Realtime;

/// <summary>Counters for everything that can go wrong in delivery, so nothing fails silently. Exported as
/// .NET metrics (meter "App.Realtime") and shown in the console.</summary>
public sealed class RealtimeMetrics : IDisposable
{
    public const string MeterName = "App.Realtime";
    private readonly Meter meter = new(MeterName);
    private long published, delivered, overflowed, handlerFailures, unroutable, relayFailures;

    public RealtimeMetrics()
    {
        meter.CreateObservableCounter("realtime.published", () => Published);
        meter.CreateObservableCounter("realtime.delivered", () => Delivered);
        meter.CreateObservableCounter("realtime.overflowed", () => Overflowed);
        meter.CreateObservableCounter("realtime.handler_failures", () => HandlerFailures);
        meter.CreateObservableCounter("realtime.unroutable", () => Unroutable);
        meter.CreateObservableCounter("realtime.relay_failures", () => RelayFailures);
    }

    public long Published => Interlocked.Read(ref published);
    public long Delivered => Interlocked.Read(ref delivered);
    /// <summary>Events dropped because a subscriber's bounded queue was full (the subscriber is told).</summary>
    public long Overflowed => Interlocked.Read(ref overflowed);
    public long HandlerFailures => Interlocked.Read(ref handlerFailures);
    /// <summary>Events with an unknown scope: delivered to nobody.</summary>
    public long Unroutable => Interlocked.Read(ref unroutable);
    public long RelayFailures => Interlocked.Read(ref relayFailures);

    public void OnPublished() => Interlocked.Increment(ref published);
    public void OnDelivered(int count = 1) => Interlocked.Add(ref delivered, count);
    public void OnOverflow() => Interlocked.Increment(ref overflowed);
    public void OnHandlerFailure() => Interlocked.Increment(ref handlerFailures);
    public void OnUnroutable() => Interlocked.Increment(ref unroutable);
    public void OnRelayFailure() => Interlocked.Increment(ref relayFailures);

    public void Dispose() => meter.Dispose();
}
