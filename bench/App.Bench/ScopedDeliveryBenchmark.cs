using System.Diagnostics;
using App.Domain.Events;
using App.Web.Realtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.Bench;

/// <summary>
/// What one published event costs as the connection count and the audience grow: connections in workspaces of
/// <c>audience</c> members, every event to one workspace (round-robin). "Routing" connections only count in
/// Deliver, isolating bus + bridge + audience lookup from queueing; "queues" are real RealtimeSubscriptions.
/// </summary>
internal static class ScopedDeliveryBenchmark
{
    public const string EventName = "bench.scoped";

    public sealed record Result(string Kind, int Connections, int Audience, int Workspaces, int TargetWorkspaces,
        long Events, double PublishNsPerEvent, double? EndToEndNsPerEvent, double? MinNsPerEvent = null, double? MaxNsPerEvent = null,
        double? BytesPerEvent = null)
    {
        public double PublishNsPerDelivery => PublishNsPerEvent / Audience;
    }

    private const int Batch = 1_000;

    /// <summary>The timed loop lives in its own small method, called once per batch, so the JIT tiers it up like any
    /// hot method (a loop inside one long-running async MoveNext would stay on tier-0/OSR code).</summary>
    private static async ValueTask<int> PublishAsync(RealtimePath path, RealtimeMessage[] messages, int count, int targets)
    {
        for (var i = 0; i < count; i++) await path.Bus.PublishAsync(messages[i % targets]);
        return count;
    }

    private sealed class CountingConnection(string id) : IRealtimeConnection
    {
        public long Count;
        public string ConnectionId { get; } = id;
        public void Deliver(RealtimeEnvelope envelope) => Count++; // the publisher is the only caller
    }

    /// <summary>Routing only. <paramref name="targetWorkspaces"/> below the workspace count confines events to a
    /// few workspaces (same work per event, small memory footprint): the control for cache effects.</summary>
    public static async Task<Result> RoutingAsync(int connections, int audience, int events, int repetitions, TimeSpan warmUp,
        int? targetWorkspaces = null)
    {
        await using var path = new RealtimePath();
        var workspaces = connections / audience;
        var targets = targetWorkspaces ?? workspaces;
        var ids = RealtimePath.Workspaces(workspaces);
        // One message per workspace, reused: the timed loop is bus.PublishAsync and nothing else.
        var messages = ids.Select(w => RealtimePath.Message(EventName, w.Scope)).ToArray();
        var counters = new CountingConnection[connections];
        for (var i = 0; i < connections; i++)
            path.Audience.Register(counters[i] = new CountingConnection($"c{i}"), $"u{i}", [ids[i % workspaces].Id]);

        // Warm-up: every workspace at least once (builds each bucket's cached snapshot, as the first event after a
        // connect does in the app), then for a fixed time rather than a count: with tiered PGO the path goes tier-0 ->
        // instrumented -> optimised over about a second of calls, and measuring earlier reads 5-10x too slow.
        await PublishAsync(path, messages, workspaces, workspaces);
        long published = workspaces;
        var warmStarted = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warmStarted) < warmUp) published += await PublishAsync(path, messages, Batch, targets);

        var perRepetition = events / repetitions / Batch * Batch;
        var samples = new double[repetitions];
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (var r = 0; r < repetitions; r++)
        {
            GC.Collect();
            var started = Stopwatch.GetTimestamp();
            for (var done = 0; done < perRepetition;) done += await PublishAsync(path, messages, Batch, targets);
            samples[r] = Stopwatch.GetElapsedTime(started).TotalNanoseconds / perRepetition;
            published += perRepetition;
        }
        var bytesPerEvent = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)(perRepetition * repetitions);
        var delivered = counters.Sum(c => c.Count);
        if (delivered != published * audience)
            throw new InvalidOperationException($"Routing delivered {delivered}, expected {published * audience}.");
        return new Result("routing only", connections, audience, workspaces, targets, (long)perRepetition * repetitions, Median(samples), null,
            samples.Min(), samples.Max(), bytesPerEvent);
    }

    /// <summary>Real subscription queues. Each burst sends one event to every workspace, so every connection gets
    /// one event per burst and its pump is woken for it (the sparse case of a real app), then waits for the drain.
    /// Publish time is the bus.PublishAsync calls only; end-to-end adds the wait until every handler ran.</summary>
    public static async Task<Result> QueuesAsync(int connections, int audience, int events, TimeSpan warmUp)
    {
        await using var path = new RealtimePath();
        var workspaces = connections / audience;
        var ids = RealtimePath.Workspaces(workspaces);
        var messages = ids.Select(w => RealtimePath.Message(EventName, w.Scope)).ToArray();
        var drain = new DrainCounter();
        var queues = new RealtimeSubscriptions[connections];
        for (var i = 0; i < connections; i++)
        {
            var queue = queues[i] = new RealtimeSubscriptions($"c{i}", $"o{i}", work => work(), path.Metrics, NullLogger.Instance);
            queue.Subscribe("*", _ =>
            {
                drain.OnHandled();
                return Task.CompletedTask;
            });
            path.Audience.Register(queue, $"u{i}", [ids[i % workspaces].Id]);
        }
        try
        {
            var bursts = Math.Max(1, events / workspaces);
            var warmStarted = Stopwatch.GetTimestamp(); // warm-up: pumps started and parked, JIT tiered (see RoutingAsync)
            for (var b = 0; b < 3 || Stopwatch.GetElapsedTime(warmStarted) < warmUp; b++) await BurstAsync();
            long publishTicks = 0, endToEndTicks = 0;
            for (var b = 0; b < bursts; b++)
            {
                var (publish, endToEnd) = await BurstAsync();
                publishTicks += publish;
                endToEndTicks += endToEnd;
            }
            if (path.Metrics.Overflowed > 0) throw new InvalidOperationException($"{path.Metrics.Overflowed} events overflowed.");
            long measured = (long)bursts * workspaces;
            return new Result("subscription queues", connections, audience, workspaces, workspaces, measured,
                Nanos(publishTicks) / measured, Nanos(endToEndTicks) / measured);
        }
        finally
        {
            foreach (var queue in queues) path.Audience.Unregister(queue);
            await Task.WhenAll(queues.Select(q => q.DisposeAsync().AsTask()));
        }

        async Task<(long Publish, long EndToEnd)> BurstAsync()
        {
            var drained = drain.Expect((long)workspaces * audience);
            var started = Stopwatch.GetTimestamp();
            foreach (var message in messages) await path.Bus.PublishAsync(message);
            var published = Stopwatch.GetTimestamp();
            if (await Task.WhenAny(drained, Task.Delay(TimeSpan.FromMinutes(1))) != drained)
                throw new TimeoutException("Subscription queues did not drain within a minute.");
            return (published - started, Stopwatch.GetTimestamp() - started);
        }
    }

    /// <summary>Counts handled deliveries and completes when a burst's total is reached.</summary>
    private sealed class DrainCounter
    {
        private long handled;
        private long target = long.MaxValue;
        private TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Called between bursts (nothing in flight).</summary>
        public Task Expect(long deliveries)
        {
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref target, Interlocked.Read(ref handled) + deliveries);
            return done.Task;
        }

        public void OnHandled()
        {
            if (Interlocked.Increment(ref handled) == Volatile.Read(ref target)) done.TrySetResult();
        }
    }

    private static double Nanos(long ticks) => ticks * 1e9 / Stopwatch.Frequency;

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
