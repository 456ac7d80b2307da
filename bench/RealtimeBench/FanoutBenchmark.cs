using System.Diagnostics;
using App.Domain.Events;
using App.Realtime;
using App.Realtime.Circuits;
using Microsoft.Extensions.Logging.Abstractions;

namespace RealtimeBench;

/// <summary>
/// Ours: M events through the real path (bus, bridge, audience index, one CircuitConnection per subscriber with
/// its bounded mailbox, drained on the thread pool; handlers run inline instead of on a Blazor renderer). The publisher
/// keeps at most a window of events in flight and waits for room in each recipient's queue, so nothing is dropped: a
/// run with drops would not be a throughput figure.
/// </summary>
internal static class FanoutBenchmark
{
    /// <param name="CpuNanosPerDelivery">The whole process's CPU time during the run (every thread: publisher,
    /// consumers, runtime) per delivery: steadier than throughput on a shared machine.</param>
    public sealed record Result(double DeliveriesPerSecond, double P50, double P99, double BytesPerDelivery, long Deliveries, long Overflow,
        double CpuNanosPerDelivery);

    /// <param name="inFlight">Events in flight at most; null = half a queue per subscriber (throughput), 1 = one
    /// event at a time (latency without queueing).</param>
    public static async Task<Result> RunAsync(int subscribers, int workspaces, int events, int? inFlight = null)
    {
        await using var harness = new Harness();
        var workspaceIds = Enumerable.Range(0, workspaces).Select(_ => Guid.NewGuid()).ToArray();
        var audience = subscribers / workspaces;
        long expected = (long)events * audience;
        var latencies = new LatencyRecorder((int)Math.Min(expected, 4_000_000));
        var publishedAt = new long[events];
        long delivered = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long firstSequence = 0;

        // Per subscriber: events handled so far; per workspace: its members and the events published to it. The
        // publisher checks a workspace's members have room before publishing to it, as the baseline's WriteAsync
        // waits for room: the product drops rather than waits, and a run with drops would not be a throughput figure.
        var handled = new long[subscribers];
        var members = Enumerable.Range(0, workspaces).Select(_ => new List<int>(subscribers / workspaces)).ToArray();
        var publishedTo = new long[workspaces];
        var connections = new List<CircuitConnection>(subscribers);
        for (var i = 0; i < subscribers; i++)
        {
            var connection = new CircuitConnection($"o{i}", work => work(), harness.Metrics, NullLogger.Instance);
            var index = i;
            connection.Subscribe("*", e =>
            {
                Volatile.Write(ref handled[index], handled[index] + 1); // one handler at a time per connection
                latencies.Add(Clock.MicrosecondsSince(publishedAt[(e.Sequence - firstSequence) / RealtimeSequence.Slots]));
                if (Interlocked.Increment(ref delivered) == expected) done.TrySetResult();
                return Task.CompletedTask;
            });
            harness.Audience.Register(connection, $"u{i}", [EventScope.Workspace(workspaceIds[i % workspaces]).Key]);
            members[i % workspaces].Add(i);
            connections.Add(connection);
        }

        // In flight: at most half a queue per subscriber (each subscriber sees 1 in `workspaces` events).
        var window = inFlight ?? RealtimeConnectionQueue.DefaultCapacity / 2 * workspaces;
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var started = Stopwatch.GetTimestamp();
        firstSequence = harness.Sequence.Upcoming; // one publisher: event i carries Upcoming + i * Slots
        for (var i = 0; i < events; i++)
        {
            if (i >= window)
                while (Interlocked.Read(ref delivered) < (long)(i - window + 1) * audience) await Task.Yield();
            var workspace = i % workspaces;
            var mustHaveHandled = publishedTo[workspace] - (RealtimeConnectionQueue.DefaultCapacity - 1);
            if (mustHaveHandled > 0)
                foreach (var member in members[workspace])
                    while (Volatile.Read(ref handled[member]) < mustHaveHandled) await Task.Yield();
            publishedTo[workspace]++;
            publishedAt[i] = Stopwatch.GetTimestamp();
            await harness.PublishAsync(EventScope.Workspace(workspaceIds[workspace]));
        }
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        foreach (var connection in connections)
        {
            harness.Audience.Unregister(connection);
            await connection.DisposeAsync();
        }
        var (p50, p99) = latencies.Percentiles();
        return new Result(expected / elapsed.TotalSeconds, p50, p99, allocated / (double)expected, expected, harness.Metrics.Overflowed,
            cpu.TotalNanoseconds / expected);
    }
}
