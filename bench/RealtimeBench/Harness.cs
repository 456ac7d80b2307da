using App.Domain.Events;
using App.Web.Realtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace RealtimeBench;

/// <summary>The product's realtime path without a web host: bus -> bridge -> audience -> connections.</summary>
internal sealed class Harness : IAsyncDisposable
{
    public DomainEventBus Bus { get; } = new();
    public RealtimeAudience Audience { get; } = new();
    public RealtimeMetrics Metrics { get; } = new();
    public RealtimeSequence Sequence { get; } = new();
    public RealtimeBridge Bridge { get; }

    public Harness()
    {
        Bridge = new RealtimeBridge(Bus, Audience, Sequence, new RealtimeTail(), Metrics, [], [],
            NullLogger<RealtimeBridge>.Instance, NullLoggerFactory.Instance);
        Bridge.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public static readonly System.Text.Json.JsonElement Payload =
        System.Text.Json.JsonDocument.Parse("{\"name\":\"benchmark\",\"status\":\"Open\"}").RootElement.Clone();

    /// <summary>An event as a domain service would publish it (payload already a JSON snapshot).</summary>
    public ValueTask PublishAsync(EventScope scope) =>
        Bus.PublishAsync(new RealtimeMessage { Event = "bench.fanout", Scope = scope, Payload = Payload });

    public async ValueTask DisposeAsync()
    {
        await Bridge.StopAsync(CancellationToken.None);
        Metrics.Dispose();
    }
}

/// <summary>Latencies in microseconds, recorded lock-free into a preallocated array.</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly double[] samples = new double[capacity];
    private int count;

    public void Add(double microseconds)
    {
        var index = Interlocked.Increment(ref count) - 1;
        if (index < samples.Length) samples[index] = microseconds;
    }

    public (double P50, double P99) Percentiles()
    {
        var n = Math.Min(count, samples.Length);
        if (n == 0) return (double.NaN, double.NaN);
        var sorted = samples.AsSpan(0, n).ToArray();
        Array.Sort(sorted);
        return (sorted[(int)Math.Ceiling(0.50 * n) - 1], sorted[(int)Math.Ceiling(0.99 * n) - 1]);
    }
}

internal static class Clock
{
    public static double MicrosecondsSince(long timestamp) =>
        System.Diagnostics.Stopwatch.GetElapsedTime(timestamp).TotalMicroseconds;
}
