using System.Diagnostics;

namespace App.Bench;

/// <summary>N subscribers spread over W workspaces (subscriber i in workspace i % W); M events round-robin over
/// the workspaces (event i to workspace i % W), so each event reaches N/W subscribers.</summary>
internal readonly record struct FanoutConfig(int Subscribers, int Workspaces, int Events)
{
    public int Audience => Subscribers / Workspaces;
    public int PerSubscriber => Events / Workspaces;
    public long Deliveries => (long)Events * Audience;

    /// <summary>About <paramref name="deliveries"/> deliveries, with every workspace getting the same number of events.</summary>
    public static FanoutConfig ForDeliveries(int subscribers, int workspaces, long deliveries)
    {
        var perWorkspace = Math.Max(1, deliveries / subscribers);
        return new(subscribers, workspaces, (int)(perWorkspace * workspaces));
    }
}

internal sealed record FanoutResult(long Deliveries, double Seconds, double P50Us, double P99Us, double BytesPerDelivery, long Overflow,
    TimeSpan ProcessCpu, RuntimeActivity Gc)
{
    public double CpuNsPerDelivery => ProcessCpu.TotalNanoseconds / Deliveries;

    public double DeliveriesPerSecond => Deliveries / Seconds;
}

/// <summary>Collections per generation and total GC pause over a phase, and thread-pool threads at its end.</summary>
internal readonly record struct RuntimeActivity(int Gen0, int Gen1, int Gen2, TimeSpan Pause, int PoolThreads)
{
    public static RuntimeActivity Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(),
        ThreadPool.ThreadCount);

    public static RuntimeActivity operator -(RuntimeActivity a, RuntimeActivity b) =>
        new(a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.Pause - b.Pause, a.PoolThreads);

    public override string ToString() => $"{Gen0}/{Gen1}/{Gen2}, {Pause.TotalMilliseconds:N0} ms";
}

/// <summary>What differs between ours and the baseline: how an event is published and how drops are counted.
/// Everything else (pacing, latency, completion, allocation accounting) is <see cref="FanoutDriver"/>'s.</summary>
internal interface IFanoutTarget : IAsyncDisposable
{
    Probe[] Probes { get; }

    /// <summary>The event number the next published event will carry (event i carries it + i); for the app, the
    /// counter part of the sequence (sequence / RealtimeSequence.Slots).</summary>
    long NextSequence { get; }

    /// <summary>Deliveries dropped because a subscriber's queue was full, since the target was built.</summary>
    long Overflow { get; }

    ValueTask PublishAsync(int eventIndex, int workspace);
}

/// <summary>One measured phase: publish times per event, expected deliveries, completion.</summary>
internal sealed class Phase(FanoutConfig config, long sequenceBase, int sampledSubscribers)
{
    public FanoutConfig Config { get; } = config;
    public long SequenceBase { get; } = sequenceBase;
    public long[] PublishedAt { get; } = new long[config.Events];
    public LatencyRecorder Latencies { get; } = new(sampledSubscribers, config.PerSubscriber);
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int unfinished = config.Subscribers;

    // One interlocked op per subscriber per phase, not per delivery: a shared per-delivery counter would bounce
    // between cores and slow both implementations alike, hiding the difference we want to see.
    public void SubscriberFinished()
    {
        if (Interlocked.Decrement(ref unfinished) == 0) Done.TrySetResult();
    }
}

/// <summary>One subscriber's bookkeeping, called from its handler (ours) or consumer loop (baseline).</summary>
internal sealed class Probe(int workspace)
{
    /// <summary>Every 7th subscriber records every delivery's latency; 7 is coprime with W = 1 and 100, so every
    /// workspace is represented, and ~14% sampling keeps timestamps off most deliveries.</summary>
    public const int SampleEvery = 7;

    private Phase? phase;
    private int row = -1;
    private long handled;

    public int Workspace { get; } = workspace;
    public long Handled => Volatile.Read(ref handled);

    /// <summary>Called between phases, while nothing is in flight.</summary>
    public void Begin(Phase next, int latencyRow)
    {
        Volatile.Write(ref handled, 0);
        row = latencyRow;
        Volatile.Write(ref phase, next);
    }

    public void OnDelivery(long sequence)
    {
        var current = phase!;
        var index = sequence - current.SequenceBase; // the bridge numbers events in publish order (one publisher)
        var count = handled + 1;
        Volatile.Write(ref handled, count); // single writer: this subscriber's consumer
        if (row >= 0) current.Latencies.Record(row, count - 1, Stopwatch.GetTimestamp() - current.PublishedAt[index]);
        if (count == current.Config.PerSubscriber) current.SubscriberFinished();
    }
}

/// <summary>
/// Runs one phase against a target. Loaded mode publishes in bursts of capacity/2 events per subscriber and,
/// before each burst, waits until the slowest subscriber has handled all but capacity/2 of what it was sent, so
/// no queue ever holds more than its capacity: nothing is dropped and the figure is a throughput, not a loss rate.
/// Idle mode publishes one event at a time and waits for its whole audience (latency without queueing).
/// </summary>
internal static class FanoutDriver
{
    public const int Capacity = App.Web.Realtime.RealtimeSubscriptions.DefaultCapacity;

    public static async Task<FanoutResult> RunAsync(IFanoutTarget target, FanoutConfig config, bool idle)
    {
        var probes = target.Probes;
        var byWorkspace = probes.GroupBy(p => p.Workspace).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        var sampled = 0;
        var phase = new Phase(config, target.NextSequence, (probes.Length + Probe.SampleEvery - 1) / Probe.SampleEvery);
        for (var i = 0; i < probes.Length; i++) probes[i].Begin(phase, i % Probe.SampleEvery == 0 ? sampled++ : -1);
        var burst = Capacity / 2 * config.Workspaces;
        var overflowBefore = target.Overflow;

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = CpuClock.Process();
        var gcBefore = RuntimeActivity.Now();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < config.Events; i++)
        {
            var workspace = i % config.Workspaces;
            if (!idle && i > 0 && i % burst == 0) await WaitAsync(probes, i / config.Workspaces - Capacity / 2);
            phase.PublishedAt[i] = Stopwatch.GetTimestamp();
            await target.PublishAsync(i, workspace);
            if (idle) SpinUntil(byWorkspace[workspace], i / config.Workspaces + 1);
        }
        var finished = await Task.WhenAny(phase.Done.Task, Task.Delay(TimeSpan.FromMinutes(2)));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = CpuClock.Process() - cpuBefore;
        var gc = RuntimeActivity.Now() - gcBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var overflow = target.Overflow - overflowBefore;
        if (finished != phase.Done.Task)
            throw new InvalidOperationException($"{target.GetType().Name} {config}: not every delivery arrived within 2 minutes (overflow {overflow}).");
        if (target.NextSequence != phase.SequenceBase + config.Events)
            throw new InvalidOperationException("Sequence numbers were not consecutive: the sequence -> event mapping is invalid.");
        var (p50, p99) = phase.Latencies.Percentiles();
        return new FanoutResult(config.Deliveries, seconds, p50, p99, allocated / (double)config.Deliveries, overflow, cpu, gc);
    }

    /// <summary>Pacing for loaded runs: sleeps (1 ms timer) rather than spins, so the publisher leaves the
    /// cores to the consumers it is waiting for.</summary>
    private static async Task WaitAsync(Probe[] probes, long handledAtLeast)
    {
        foreach (var probe in probes)
            while (probe.Handled < handledAtLeast) await Task.Delay(1);
    }

    /// <summary>Idle runs wait for one event's audience: spinning (yielding, never sleeping) keeps the gap between
    /// events short; the measured latency is taken in the handlers and does not include this wait.</summary>
    private static void SpinUntil(Probe[] audience, long handledAtLeast)
    {
        var spinner = new SpinWait();
        foreach (var probe in audience)
            while (probe.Handled < handledAtLeast) spinner.SpinOnce(sleep1Threshold: -1);
    }
}
