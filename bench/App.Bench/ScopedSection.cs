namespace App.Bench;

/// <summary>The scoped-delivery section: cost per event against connection count and audience.</summary>
internal static class ScopedSection
{
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
                    $"(dispatch inline); bursts of one event per workspace (each connection gets one event per burst and its pump is woken, " +
                    $"as in a sparse real load), then wait for the drain; {queueEvents:N0} events. Publish = time inside `PublishAsync`; " +
                    $"publish + drain = until every handler ran.");
        report.Line();

        var runs = new List<(int Connections, int Audience, int? Targets)>
        {
            (1_000, 10, null), (10_000, 10, null), (100_000, 10, null), (100_000, 10, 100), (1_000, 100, null), (1_000, 1_000, null),
        };
        Report.Progress("scoped: warm-up (JIT)");
        await ScopedDeliveryBenchmark.RoutingAsync(1_000, 10, events / 5, 1, warmUp * 2);
        var results = new List<ScopedDeliveryBenchmark.Result>();
        foreach (var (connections, audience, targets) in runs)
        {
            Report.Progress($"scoped: routing only, {connections:N0} connections, audience {audience}{(targets is null ? "" : $", events to {targets} workspaces")}");
            results.Add(await ScopedDeliveryBenchmark.RoutingAsync(connections, audience, events, repetitions, warmUp, targets));
            Collect();
        }
        foreach (var connections in quick ? new[] { 1_000, 10_000 } : [1_000, 10_000, 100_000])
        {
            Report.Progress($"scoped: subscription queues, {connections:N0} connections, audience 10");
            results.Add(await ScopedDeliveryBenchmark.QueuesAsync(connections, 10, queueEvents, warmUp));
            Collect();
        }

        var table = new MarkdownTable("total connections", "audience", "events go to", "connection", "ns per event (publish)",
            "ns per delivery", "ns per event (publish + drain)", "min-max of runs (ns per event)", "B allocated per event (publish)");
        foreach (var r in results)
            table.Add($"{r.Connections:N0}", $"{r.Audience:N0}",
                r.TargetWorkspaces == r.Workspaces ? $"all {r.Workspaces:N0} workspaces" : $"{r.TargetWorkspaces:N0} of {r.Workspaces:N0} workspaces",
                r.Kind, $"{r.PublishNsPerEvent:N0}", $"{r.PublishNsPerDelivery:N1}", r.EndToEndNsPerEvent is { } e ? $"{e:N0}" : "-",
                r.MinNsPerEvent is { } min ? $"{min:N0}-{r.MaxNsPerEvent:N0}" : "-", r.BytesPerEvent is { } b ? $"{b:N0}" : "-");
        report.Table(table);
        Conclude(report, results);
    }

    private static void Conclude(Report report, List<ScopedDeliveryBenchmark.Result> results)
    {
        var routing = results.Where(r => r.Kind == "routing only").ToList();
        var byConnections = routing.Where(r => r.Audience == 10 && r.TargetWorkspaces == r.Workspaces).OrderBy(r => r.Connections).ToList();
        var baseline = byConnections[0];
        var worst = byConnections.Max(r => r.PublishNsPerEvent / baseline.PublishNsPerEvent);
        var steps = string.Join(", ", byConnections.Select(r => $"{r.Connections:N0}: {r.PublishNsPerEvent:N0} ns"));
        var line = $"- **Connection count** (audience fixed at 10, routing only): {steps}; the largest is {worst:F2}x the 1,000-connection cost: ";
        if (worst <= 1.5)
            line += "**flat** (within 1.5x): the cost per event does not grow with the number of connections.";
        else
        {
            line += "**not flat** by the 1.5x rule.";
            var control = routing.FirstOrDefault(r => r.TargetWorkspaces < r.Workspaces);
            if (control is not null)
                line += $" Control: the same {control.Connections:N0} connections with events confined to {control.TargetWorkspaces} of the " +
                        $"{control.Workspaces:N0} workspaces cost {control.PublishNsPerEvent:N0} ns ({control.PublishNsPerEvent / baseline.PublishNsPerEvent:F2}x). " +
                        (control.PublishNsPerEvent / baseline.PublishNsPerEvent <= 1.5
                            ? "Same work per event, small working set: the growth is cache misses on buckets/connections spread over a large heap, not work proportional to the connection count."
                            : "Even a small working set is slower at this size: look for per-connection work on the publish path.");
        }
        report.Line(line);

        var byAudience = routing.Where(r => r.Connections == 1_000).OrderBy(r => r.Audience).ToList();
        var small = byAudience[0];
        var large = byAudience[^1];
        var perMember = (large.PublishNsPerEvent - small.PublishNsPerEvent) / (large.Audience - small.Audience);
        report.Line($"- **Audience** (1,000 connections, routing only): " + string.Join(", ", byAudience.Select(r => $"audience {r.Audience:N0}: {r.PublishNsPerEvent:N0} ns")) +
                    $"; {small.Audience:N0} -> {large.Audience:N0} is {large.PublishNsPerEvent / small.PublishNsPerEvent:F1}x: " +
                    (large.PublishNsPerEvent > 1.5 * small.PublishNsPerEvent ? "**grows with the audience**" : "**did not grow** with the audience") +
                    $" (a fixed ~{small.PublishNsPerEvent - 10 * perMember:N0} ns per event plus ~{perMember:N1} ns per audience member).");

        var queues = results.Where(r => r.Kind == "subscription queues").OrderBy(r => r.Connections).ToList();
        if (queues.Count > 1)
            report.Line($"- **Real subscription queues** (audience 10): " + string.Join(", ", queues.Select(r => $"{r.Connections:N0}: {r.PublishNsPerEvent:N0} ns publish / {r.EndToEndNsPerEvent:N0} ns end-to-end")) +
                        $"; {queues[^1].Connections:N0} vs {queues[0].Connections:N0} connections: {queues[^1].PublishNsPerEvent / queues[0].PublishNsPerEvent:F2}x publish. " +
                        $"Each delivery here wakes an idle pump (a thread-pool work item), which dominates the per-delivery cost.");
        report.Line();
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
