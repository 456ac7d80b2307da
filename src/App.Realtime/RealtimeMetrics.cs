using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;

namespace App.Realtime;

/// <summary>Counters for everything that can go wrong in delivery, so nothing fails silently. Exported as
/// .NET metrics (meter "App.Realtime") and shown in the console.</summary>
public sealed class RealtimeMetrics : IDisposable
{
    public const string MeterName = "App.Realtime";
    private readonly Meter meter = new(MeterName);
    private Counters counters;
    // Every connection's drain counts its deliveries, on every core at once: one counter per core (by the core the
    // thread runs on; a thread moved meanwhile only shares a stripe) keeps those increments off each other's cache line.
    private readonly PaddedLong[] delivered = new PaddedLong[Environment.ProcessorCount];

    public RealtimeMetrics()
    {
        meter.CreateObservableCounter("realtime.published", () => Published);
        meter.CreateObservableCounter("realtime.delivered", () => Delivered);
        meter.CreateObservableCounter("realtime.overflowed", () => Overflowed);
        meter.CreateObservableCounter("realtime.handler_failures", () => HandlerFailures);
        meter.CreateObservableCounter("realtime.unroutable", () => Unroutable);
        meter.CreateObservableCounter("realtime.relay_failures", () => RelayFailures);
        meter.CreateObservableCounter("realtime.relay_rejected", () => RelayRejected);
        meter.CreateObservableCounter("realtime.duplicates", () => Duplicates);
    }

    public long Published => Interlocked.Read(ref counters.Published);
    public long Delivered
    {
        get
        {
            long sum = 0;
            foreach (ref var stripe in delivered.AsSpan()) sum += Interlocked.Read(ref stripe.Value);
            return sum;
        }
    }
    /// <summary>Events dropped because a subscriber's bounded queue was full (the subscriber is told).</summary>
    public long Overflowed => Interlocked.Read(ref counters.Overflowed);
    public long HandlerFailures => Interlocked.Read(ref counters.HandlerFailures);
    /// <summary>Events with an unknown scope: delivered to nobody.</summary>
    public long Unroutable => Interlocked.Read(ref counters.Unroutable);
    public long RelayFailures => Interlocked.Read(ref counters.RelayFailures);
    /// <summary>Relay messages dropped because they were unsigned or forged.</summary>
    public long RelayRejected => Interlocked.Read(ref counters.RelayRejected);
    /// <summary>Events not routed again because their id was already routed here (at-least-once delivery: an outbox
    /// retry, the same event relayed by two instances).</summary>
    public long Duplicates => Interlocked.Read(ref counters.Duplicates);

    public void OnPublished() => Interlocked.Increment(ref counters.Published);
    public void OnDelivered(int count = 1) =>
        Interlocked.Add(ref delivered[(uint)Thread.GetCurrentProcessorId() % (uint)delivered.Length].Value, count);
    public void OnOverflow() => Interlocked.Increment(ref counters.Overflowed);
    public void OnHandlerFailure() => Interlocked.Increment(ref counters.HandlerFailures);
    public void OnUnroutable() => Interlocked.Increment(ref counters.Unroutable);
    public void OnRelayFailure() => Interlocked.Increment(ref counters.RelayFailures);
    public void OnRelayRejected() => Interlocked.Increment(ref counters.RelayRejected);
    public void OnDuplicate() => Interlocked.Increment(ref counters.Duplicates);

    public void Dispose() => meter.Dispose();

    /// <summary>The publisher bumps Published once per event: the rarely written counters share the next line, apart
    /// from it.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Counters
    {
        [FieldOffset(0)] public long Published;
        [FieldOffset(64)] public long Overflowed;
        [FieldOffset(72)] public long HandlerFailures;
        [FieldOffset(80)] public long Unroutable;
        [FieldOffset(88)] public long RelayFailures;
        [FieldOffset(96)] public long RelayRejected;
        [FieldOffset(104)] public long Duplicates;
    }

    [StructLayout(LayoutKind.Explicit, Size = 64)]
    private struct PaddedLong
    {
        [FieldOffset(0)] public long Value;
    }
}
