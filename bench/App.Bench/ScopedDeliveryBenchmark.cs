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

    /// <param name="PublishNsPerEvent">Wall-clock time inside bus.PublishAsync per event (median of runs).</param>
    /// <param name="PublishCpuNsPerEvent">The publishing thread's CPU time per event: the same work without the time the
    /// thread spent preempted (other processes, or the pumps it woke, competing for 2 cores). NaN if unavailable.</param>
    public sealed record Result(string Kind, int Connections, int Audience, int Workspaces, int TargetWorkspaces, long Events,
        double PublishNsPerEvent, double PublishCpuNsPerEvent, double? EndToEndNsPerEvent,
        (double Min, double Max)? PublishRange = null, double? BytesPerEvent = null)
    {
        public double PublishNsPerDelivery => PublishNsPerEvent / Audience;
    }

    /// <summary>Wall and thread-CPU time of a synchronous stretch of work (every PublishAsync here completes
    /// synchronously, so the work stays on one thread; if it ever moved, the CPU figure is NaN).</summary>
    private readonly struct Timing
    {
        private readonly long wall = Stopwatch.GetTimestamp();
        private readonly long cpu = CpuClock.ThreadNanoseconds();
        private readonly int thread = Environment.CurrentManagedThreadId;

        public Timing() { }

        public (double WallNs, double CpuNs) Elapsed() =>
            (Stopwatch.GetElapsedTime(wall).TotalNanoseconds,
             cpu < 0 || thread != Environment.CurrentManagedThreadId ? double.NaN : CpuClock.ThreadNanoseconds() - cpu);
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
        var wall = new double[repetitions];
        var cpu = new double[repetitions];
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (var r = 0; r < repetitions; r++)
        {
            GC.Collect();
            var timing = new Timing();
            for (var done = 0; done < perRepetition;) done += await PublishAsync(path, messages, Batch, targets);
            var (wallNs, cpuNs) = timing.Elapsed();
            (wall[r], cpu[r]) = (wallNs / perRepetition, cpuNs / perRepetition);
            published += perRepetition;
        }
        var bytesPerEvent = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)(perRepetition * repetitions);
        var delivered = counters.Sum(c => c.Count);
        if (delivered != published * audience)
            throw new InvalidOperationException($"Routing delivered {delivered}, expected {published * audience}.");
        return new Result("routing only", connections, audience, workspaces, targets, (long)perRepetition * repetitions,
            Median(wall), Median(cpu), null, (wall.Min(), wall.Max()), bytesPerEvent);
    }

    /// <summary>Events per burst with real queues: the same at every size, so sizes differ only in how many connections
    /// the bursts cycle through (a short burst lets thread-pool workers park between bursts, a long one keeps them busy).</summary>
    public const int QueueBurst = 100;

    /// <summary>Real subscription queues. Bursts of <see cref="QueueBurst"/> events to consecutive workspaces (round-robin
    /// over the targeted ones), so each connection reached gets one event and its parked pump is woken for it (the sparse
    /// case of a real app); then wait for the drain. Publish time is the bus.PublishAsync calls only; end-to-end adds the
    /// wait until every handler ran.</summary>
    public static async Task<Result> QueuesAsync(int connections, int audience, int events, TimeSpan warmUp, int? targetWorkspaces = null)
    {
        await using var path = new RealtimePath();
        var workspaces = connections / audience;
        var ids = RealtimePath.Workspaces(workspaces);
        var targets = targetWorkspaces ?? workspaces;
        var messages = ids.Take(targets).Select(w => RealtimePath.Message(EventName, w.Scope)).ToArray();
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
        var burst = Math.Min(QueueBurst, targets);
        var next = 0; // the next workspace to publish to
        try
        {
            var bursts = Math.Max(1, events / burst);
            var warmStarted = Stopwatch.GetTimestamp(); // warm-up: pumps started and parked, JIT tiered (see RoutingAsync)
            for (var b = 0; b < 3 || Stopwatch.GetElapsedTime(warmStarted) < warmUp; b++) await BurstAsync();
            double publishNs = 0, publishCpuNs = 0, endToEndNs = 0;
            for (var b = 0; b < bursts; b++)
            {
                var (publish, publishCpu, endToEnd) = await BurstAsync();
                (publishNs, publishCpuNs, endToEndNs) = (publishNs + publish, publishCpuNs + publishCpu, endToEndNs + endToEnd);
            }
            if (path.Metrics.Overflowed > 0) throw new InvalidOperationException($"{path.Metrics.Overflowed} events overflowed.");
            long measured = (long)bursts * burst;
            return new Result("subscription queues", connections, audience, workspaces, targets, measured,
                publishNs / measured, publishCpuNs / measured, endToEndNs / measured);
        }
        finally
        {
            foreach (var queue in queues) path.Audience.Unregister(queue);
            await Task.WhenAll(queues.Select(q => q.DisposeAsync().AsTask()));
        }

        async Task<(double Publish, double PublishCpu, double EndToEnd)> BurstAsync()
        {
            var drained = drain.Expect((long)burst * audience);
            var timing = new Timing();
            for (var i = 0; i < burst; i++, next = (next + 1) % targets) await path.Bus.PublishAsync(messages[next]);
            var (publish, publishCpu) = timing.Elapsed();
            if (await Task.WhenAny(drained, Task.Delay(TimeSpan.FromMinutes(1))) != drained)
                throw new TimeoutException("Subscription queues did not drain within a minute.");
            return (publish, publishCpu, timing.Elapsed().WallNs);
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

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
