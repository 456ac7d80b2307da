namespace App.Bench;

/// <summary>The scoped-delivery section: cost per event against connection count and audience.</summary>
internal static class ScopedSection
{
    private const double FlatWithin = 1.5;

    public static async Task RunAsync(Report report, bool quick)
    {
        var events = quick ? 100_000 : 1_000_000;
        var queueEvents = quick ? 10_000 : 100_000;
        const int repetitions = 5;
        var warmUp = TimeSpan.FromSeconds(quick ? 0.3 : 1.0);

        report.Line("### Scoped delivery: cost per event vs connection count and audience");
        report.Line();
        report.Line($"Connections in workspaces of `audience` members; each event goes to one workspace (round-robin). " +
                    $"**routing only**: connections whose `Deliver` only increments a counter, isolating `bus.PublishAsync` -> bridge -> " +
                    $"audience lookup; one reused message per workspace; {events:N0} timed events in {repetitions} runs, median (and min-max); " +
                    $"warm-up first (every workspace at least once, for {warmUp.TotalSeconds:F1} s). **subscription queues**: real `RealtimeSubscriptions` " +
                    $"(dispatch inline); bursts of {ScopedDeliveryBenchmark.QueueBurst} events to consecutive workspaces, round-robin (each connection " +
                    $"reached gets one event and its parked pump is woken, as in a sparse real load), then wait for the drain; {queueEvents:N0} events. Publish = wall time inside `PublishAsync`; " +
                    $"publisher CPU = the publishing thread's CPU time for the same calls (immune to preemption by other processes or by the " +
                    $"pumps it wakes); publish + drain = until every handler ran. The verdicts below use publisher CPU.");
        report.Line();

        Report.Progress("scoped: warm-up (JIT)");
        await ScopedDeliveryBenchmark.RoutingAsync(1_000, 10, events / 5, 1, warmUp * 2);
        var results = new List<ScopedDeliveryBenchmark.Result>();
        var routing = new List<(int Connections, int Audience, int? Targets)>
        {
            (1_000, 10, null), (10_000, 10, null), (100_000, 10, null), (100_000, 10, 100), (1_000, 100, null), (1_000, 1_000, null),
        };
        foreach (var (connections, audience, targets) in routing)
        {
            Report.Progress($"scoped: routing only, {connections:N0} connections, audience {audience}{(targets is null ? "" : $", events to {targets} workspaces")}");
            results.Add(await ScopedDeliveryBenchmark.RoutingAsync(connections, audience, events, repetitions, warmUp, targets));
            Collect();
        }
        // 100k real queues = 100k pump tasks and channels (~100 MB): heavy but fine on this machine; skipped in --quick.
        int[] queueSizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
        var queueRuns = queueSizes.Select(c => (Connections: c, Targets: (int?)null)).Append((queueSizes[^1], 100));
        foreach (var (connections, targets) in queueRuns)
        {
            Report.Progress($"scoped: subscription queues, {connections:N0} connections, audience 10{(targets is null ? "" : $", events to {targets} workspaces")}");
            results.Add(await ScopedDeliveryBenchmark.QueuesAsync(connections, 10, queueEvents, warmUp, targets));
            Collect();
        }

        var table = new MarkdownTable("total connections", "audience", "events go to", "connection", "ns per event (publish)",
            "ns per delivery", "publisher CPU ns per event", "ns per event (publish + drain)", "publish min-max of runs", "B allocated per event");
        foreach (var r in results)
            table.Add($"{r.Connections:N0}", $"{r.Audience:N0}",
                r.TargetWorkspaces == r.Workspaces ? $"all {r.Workspaces:N0} workspaces" : $"{r.TargetWorkspaces:N0} of {r.Workspaces:N0} workspaces",
                r.Kind, $"{r.PublishNsPerEvent:N0}", $"{r.PublishNsPerDelivery:N1}", Ns(r.PublishCpuNsPerEvent),
                r.EndToEndNsPerEvent is { } e ? $"{e:N0}" : "-",
                r.PublishRange is { } range ? $"{range.Min:N0}-{range.Max:N0}" : "-",
                r.BytesPerEvent is { } b ? $"{b:N0}" : "-");
        report.Table(table);
        Conclude(report, results);
    }

    private static void Conclude(Report report, List<ScopedDeliveryBenchmark.Result> results)
    {
        // CPU time when the platform gives it (wall time on a shared 2-core machine swings with other work).
        static double Cost(ScopedDeliveryBenchmark.Result r) => double.IsNaN(r.PublishCpuNsPerEvent) ? r.PublishNsPerEvent : r.PublishCpuNsPerEvent;

        var routing = results.Where(r => r.Kind == "routing only").ToList();
        var byConnections = routing.Where(r => r.Audience == 10 && r.TargetWorkspaces == r.Workspaces).OrderBy(r => r.Connections).ToList();
        var first = byConnections[0];
        var worst = byConnections.Max(r => Cost(r) / Cost(first));
        var line = $"- **Connection count** (audience fixed at 10, routing only): " +
                   string.Join(", ", byConnections.Select(r => $"{r.Connections:N0} connections: {Cost(r):N0} ns")) +
                   $" per event; the largest is {worst:F2}x the {first.Connections:N0}-connection cost (wall clock: " +
                   $"{byConnections.Max(r => r.PublishNsPerEvent / first.PublishNsPerEvent):F2}x): ";
        if (worst <= FlatWithin)
            line += $"**flat** (within {FlatWithin}x): the cost per event does not grow with the number of connections.";
        else
        {
            line += $"**not flat** by the {FlatWithin}x rule.";
            var control = routing.FirstOrDefault(r => r.TargetWorkspaces < r.Workspaces);
            if (control is not null)
            {
                var ratio = Cost(control) / Cost(first);
                line += $" Control: the same {control.Connections:N0} connections with events confined to {control.TargetWorkspaces} of the " +
                        $"{control.Workspaces:N0} workspaces cost {Cost(control):N0} ns ({ratio:F2}x). " +
                        (ratio <= FlatWithin
                            ? "Same work per event, small working set: the growth is cache misses on buckets and connections spread over a large heap, not work proportional to the connection count."
                            : "Even a small working set is slower at this size: look for per-connection work on the publish path.");
            }
        }
        report.Line(line);

        var byAudience = routing.Where(r => r.Connections == 1_000).OrderBy(r => r.Audience).ToList();
        var small = byAudience[0];
        var large = byAudience[^1];
        var perMember = (Cost(large) - Cost(small)) / (large.Audience - small.Audience);
        var grew = Cost(large) > FlatWithin * Cost(small);
        report.Line($"- **Audience** (1,000 connections, routing only): " +
                    string.Join(", ", byAudience.Select(r => $"audience {r.Audience:N0}: {Cost(r):N0} ns")) +
                    $" per event; {small.Audience:N0} -> {large.Audience:N0} members is {Cost(large) / Cost(small):F1}x: " +
                    (grew ? "**grows with the audience**" : "**did not grow** with the audience") +
                    $" (about {Cost(small) - small.Audience * perMember:N0} ns per event plus {perMember:N1} ns per member).");

        var queues = results.Where(r => r.Kind == "subscription queues" && r.TargetWorkspaces == r.Workspaces).OrderBy(r => r.Connections).ToList();
        var queueControl = results.FirstOrDefault(r => r.Kind == "subscription queues" && r.TargetWorkspaces < r.Workspaces);
        if (queues.Count > 1)
            report.Line($"- **Real subscription queues** (audience 10): publisher CPU " +
                        string.Join(", ", queues.Select(r => $"{r.Connections:N0} connections: {Cost(r):N0} ns")) +
                        $" per event ({Cost(queues[^1]) / Cost(queues[0]):F2}x from {queues[0].Connections:N0} to {queues[^1].Connections:N0}); " +
                        $"publish + drain " + string.Join(", ", queues.Select(r => $"{r.EndToEndNsPerEvent:N0} ns")) + ". " +
                        (queueControl is null ? "" :
                            $"Control: {queueControl.Connections:N0} connections with events confined to {queueControl.TargetWorkspaces} workspaces: " +
                            $"{Cost(queueControl):N0} ns ({Cost(queueControl) / Cost(queues[0]):F2}x the {queues[0].Connections:N0}-connection cost). ") +
                        "Every delivery here wakes a parked pump (the channel hands its continuation to the thread pool), so the " +
                        "per-delivery cost is an order of magnitude above routing alone, and it is paid on the publishing thread.");
        report.Line();
    }

    private static string Ns(double value) => double.IsNaN(value) ? "n/a" : $"{value:N0}";

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
