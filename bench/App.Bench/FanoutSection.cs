namespace App.Bench;

/// <summary>The fan-out section: ours vs the channels baseline over the N x W grid.</summary>
internal static class FanoutSection
{
    public static async Task RunAsync(Report report, bool quick, int[]? onlySubscribers, int[]? onlyWorkspaces)
    {
        int[] subscribers = onlySubscribers ?? (quick ? [1_000, 5_000] : [1_000, 10_000, 50_000]);
        int[] workspaces = onlyWorkspaces ?? [1, 100];
        long deliveries = quick ? 200_000 : 3_000_000;
        var repetitions = quick ? 1 : 3;

        report.Line("### In-process fan-out: ours vs System.Threading.Channels");
        report.Line();
        report.Line("Ours = `DomainEventBus` -> `RealtimeBridge` -> `RealtimeAudience` -> one `RealtimeSubscriptions` per subscriber " +
                    "(bounded queue of 512 + pump) with a `*` handler, dispatch `work => work()` (handlers inline on the pump, **no Blazor renderer**). " +
                    "One `RealtimeMessage` per event (shared JSON payload, scope built up front). Channels = the same fan-out hand-written: " +
                    "workspace -> writers dictionary, one bounded (512) single-reader channel and consumer loop per subscriber, a struct per delivery.");
        report.Line();
        report.Line($"Subscriber i is in workspace i % W; event i goes to workspace i % W. The publisher sends bursts of 256 events per " +
                    $"subscriber and before each burst waits (1 ms sleeps) until the slowest subscriber is within 256 of what it was sent, " +
                    $"so no queue can overflow. Latency = handler time - time just before `PublishAsync`, every delivery of every " +
                    $"{Probe.SampleEvery}th subscriber, so it includes queueing inside a burst (up to 512 events). B/delivery = " +
                    $"`GC.GetTotalAllocatedBytes(true)` over the publish+drain phase / deliveries. Each configuration: a warm-up phase on the same " +
                    $"subscribers, then {repetitions} measured phase(s); the row is the median by throughput. CPU ns/delivery = process CPU " +
                    $"time (all threads, GC included) over the phase / deliveries: unlike deliveries/s it does not depend on what else the machine runs.");
        report.Line();

        Report.Progress("fan-out: warm-up (JIT)");
        var warmUp = TimeSpan.FromSeconds(quick ? 0.3 : 1.5);
        await WarmUpAsync(new FanoutBenchmark(1_000, 10), warmUp);
        await WarmUpAsync(new ChannelsBaseline(1_000, 10), warmUp);

        var loaded = new MarkdownTable("N", "W", "audience per event", "events", "deliveries", "ours deliveries/s", "ours p50 us",
            "ours p99 us", "ours B/delivery", "channels deliveries/s", "channels p50 us", "channels p99 us", "channels B/delivery",
            "ours/channels throughput", "overflow (ours / channels)", "ours CPU ns/delivery", "channels CPU ns/delivery");
        var gc = new MarkdownTable("N", "W", "ours GCs gen0/1/2, pause", "ours GC pause % of run", "ours pool threads",
            "channels GCs gen0/1/2, pause", "channels GC pause % of run", "channels pool threads");
        var idle = new MarkdownTable("N", "W", "audience per event", "events", "ours p50 us", "ours p99 us", "channels p50 us", "channels p99 us");
        foreach (var n in subscribers)
        foreach (var w in workspaces)
        {
            var config = FanoutConfig.ForDeliveries(n, w, deliveries);
            var idleConfig = IdleConfig(n, w, quick);
            Report.Progress($"fan-out: N={n:N0} W={w} events={config.Events:N0}: ours");
            var (ours, oursIdle) = await MeasureAsync(() => new FanoutBenchmark(n, w), config, repetitions, idleConfig);
            Report.Progress($"fan-out: N={n:N0} W={w} events={config.Events:N0}: channels");
            var (channels, channelsIdle) = await MeasureAsync(() => new ChannelsBaseline(n, w), config, repetitions, idleConfig);
            loaded.Add($"{n:N0}", $"{w}", $"{config.Audience:N0}", $"{config.Events:N0}", $"{config.Deliveries:N0}",
                $"{ours.DeliveriesPerSecond:N0}", Us(ours.P50Us), Us(ours.P99Us), $"{ours.BytesPerDelivery:F1}",
                $"{channels.DeliveriesPerSecond:N0}", Us(channels.P50Us), Us(channels.P99Us), $"{channels.BytesPerDelivery:F1}",
                $"{ours.DeliveriesPerSecond / channels.DeliveriesPerSecond:F2}", $"{ours.Overflow} / {channels.Overflow}",
                $"{ours.CpuNsPerDelivery:N0}", $"{channels.CpuNsPerDelivery:N0}");
            gc.Add($"{n:N0}", $"{w}", $"{ours.Gc}", $"{ours.Gc.Pause.TotalSeconds / ours.Seconds:P1}", $"{ours.Gc.PoolThreads}",
                $"{channels.Gc}", $"{channels.Gc.Pause.TotalSeconds / channels.Seconds:P1}", $"{channels.Gc.PoolThreads}");
            idle.Add($"{n:N0}", $"{w}", $"{idleConfig.Audience:N0}", $"{idleConfig.Events:N0}",
                Us(oursIdle!.P50Us), Us(oursIdle.P99Us), Us(channelsIdle!.P50Us), Us(channelsIdle.P99Us));
        }
        report.Table(loaded);
        report.Line("Reading the W = 100 rows: each subscriber gets one in every 100 events, so whether its pump finds a batch waiting " +
                    "or is woken (a thread-pool hand-off) for every single event depends on how fast the publisher runs against the " +
                    "consumers. The run settles in one regime or the other, so these rows can differ several-fold between runs; CPU " +
                    "ns/delivery shows which regime a row ran in (wake-per-event rows cost several hundred ns per delivery).");
        report.Line();
        report.Line("Garbage collections during the measured phase in the rows above (server GC, so pauses stop every thread):");
        report.Line();
        report.Table(gc);
        report.Line("Unloaded latency: the same subscribers, one event at a time (the publisher waits until the event's whole audience " +
                    "handled it before the next), so there is no queueing; for large audiences it still includes enqueueing to the " +
                    "members ahead in the audience.");
        report.Line();
        report.Table(idle);
    }

    /// <summary>Phases for a fixed time, not a count: tiered compilation promotes hot methods only after ~100 ms of
    /// call counting and a background compile, which short phases outrun.</summary>
    private static async Task WarmUpAsync(IFanoutTarget target, TimeSpan duration)
    {
        await using (target)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var config = FanoutConfig.ForDeliveries(1_000, 10, 200_000);
            while (System.Diagnostics.Stopwatch.GetElapsedTime(started) < duration)
            {
                await FanoutDriver.RunAsync(target, config, idle: false);
                await FanoutDriver.RunAsync(target, config with { Events = 100 }, idle: true);
            }
        }
    }

    /// <summary>Builds a target, warms it up, runs the measured phases and (optionally) the unloaded-latency phase,
    /// and disposes it (unregistering and stopping every pump) so the next configuration starts clean.</summary>
    private static async Task<(FanoutResult Loaded, FanoutResult? Idle)> MeasureAsync(Func<IFanoutTarget> create, FanoutConfig config,
        int repetitions, FanoutConfig? idleConfig)
    {
        FanoutResult median;
        FanoutResult? idle = null;
        await using (var target = create())
        {
            var warmEvents = Math.Max(config.Workspaces, config.Events / 5 / config.Workspaces * config.Workspaces);
            await FanoutDriver.RunAsync(target, config with { Events = warmEvents }, idle: false);
            var runs = new List<FanoutResult>();
            for (var r = 0; r < repetitions; r++) runs.Add(await FanoutDriver.RunAsync(target, config, idle: false));
            median = runs.OrderBy(x => x.DeliveriesPerSecond).ElementAt(runs.Count / 2);
            if (idleConfig is { } ic) idle = await FanoutDriver.RunAsync(target, ic, idle: true);
            if (target is FanoutBenchmark ours && ours.HandlerFailures > 0)
                throw new InvalidOperationException($"{ours.HandlerFailures} handler failures: the run is invalid.");
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return (median, idle);
    }

    /// <summary>Enough one-at-a-time events for a stable p99 (up to ~200k deliveries), the same number per workspace.</summary>
    private static FanoutConfig IdleConfig(int subscribers, int workspaces, bool quick)
    {
        var audience = subscribers / workspaces;
        var events = Math.Min(quick ? 500 : 2_000, (quick ? 50_000 : 200_000) / audience);
        return new FanoutConfig(subscribers, workspaces, Math.Max(1, events / workspaces) * workspaces);
    }

    private static string Us(double value) => value < 100 ? $"{value:F1}" : $"{value:N0}";
}
