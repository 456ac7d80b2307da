// In-process realtime benchmarks. Prints markdown tables; --out FILE also appends them to FILE.
//   dotnet run -c Release --project bench/RealtimeBench -- [fanout|scoped|all|presence] [--quick] [--out FILE] [--row N:W] [--redis host:port]
// --row 1000:100 runs only that fan-out row (to re-check one figure on a noisy machine).
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using RealtimeBench;

var what = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
var quick = args.Contains("--quick");
var outFile = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
var onlyRow = args.SkipWhile(a => a != "--row").Skip(1).FirstOrDefault();
var report = new StringBuilder();
void Line(string text = "")
{
    Console.WriteLine(text);
    report.AppendLine(text);
}

Line($"Machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, " +
     $"{RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, {DateTime.UtcNow:yyyy-MM-dd}.");
Line();

if (what is "fanout" or "all")
{
    Line("### In-process fan-out: ours vs raw System.Threading.Channels");
    Line();
    Line("Ours = `IDomainEvents` -> `DomainEventForwarder` -> `RealtimePublisher` -> `RealtimeAudience` -> one `CircuitConnection` per subscriber (its bounded `RealtimeConnectionQueue`, drained on the thread pool only while it has events), " +
         "handler inline (no Blazor renderer). Baseline = the same fan-out hand-written on bounded channels. " +
         "Each side runs each row twice to warm up, then 9 times alternating with the other side; the median run of each is shown (single runs of a row spread by up to 4x on this shared 2-core machine, with the thread pool's size: bench/RESULTS-NOTES.md). " +
         "Throughput runs keep at most half a queue of events in flight per subscriber (nothing is dropped); their p50/p99 include that queueing. " +
         "The idle columns are publish-to-handler latency with one event in flight at a time (200 events).");
    Line();
    Line("| N subscribers | W workspaces | audience/event | events | deliveries | ours deliveries/s | ours loaded p50/p99 us | ours idle p50/p99 us | ours B/delivery | channels deliveries/s | channels loaded p50/p99 us | channels idle p50/p99 us | channels B/delivery | ours/channels | dropped |");
    Line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    int[] sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 50_000];
    var targetDeliveries = quick ? 200_000 : 2_000_000;
    var rounds = quick ? 1 : 9;
    static FanoutBenchmark.Result Median(List<FanoutBenchmark.Result> runs) =>
        runs.OrderBy(r => r.DeliveriesPerSecond).ElementAt(runs.Count / 2);
    var ratios = new List<double>();
    foreach (var n in sizes)
    foreach (var w in new[] { 1, 100 })
    {
        if (onlyRow is not null && onlyRow != $"{n}:{w}") continue;
        var audience = n / w;
        var events = Math.Max(20, targetDeliveries / audience);
        // Each side: warm-up runs of this shape (JIT tiering, pools), then `rounds` measured runs alternating
        // with the other side so a noisy spell on this shared machine hits both; the median run of each is reported.
        // Two warm-up runs: with one, the first measured run of either side was still often the slowest (tiered
        // compilation and PGO take a few runs of this size to settle).
        for (var warmup = 0; warmup < 2; warmup++)
        {
            await FanoutBenchmark.RunAsync(n, w, events);
            await ChannelsBaseline.RunAsync(n, w, events);
        }
        var oursRuns = new List<FanoutBenchmark.Result>();
        var baselineRuns = new List<FanoutBenchmark.Result>();
        for (var round = 0; round < rounds; round++)
        {
            GC.Collect();
            oursRuns.Add(await FanoutBenchmark.RunAsync(n, w, events));
            GC.Collect();
            baselineRuns.Add(await ChannelsBaseline.RunAsync(n, w, events));
        }
        static string Rounds(List<FanoutBenchmark.Result> runs) =>
            string.Join(" ", runs.Select(r => $"{r.DeliveriesPerSecond / 1e6:F2}M/s {r.CpuNanosPerDelivery:F0}ns-cpu"));
        Console.Error.WriteLine($"{n}:{w} ours {Rounds(oursRuns)} | channels {Rounds(baselineRuns)} | pool threads {ThreadPool.ThreadCount}");
        var ours = Median(oursRuns);
        var baseline = Median(baselineRuns);
        var oursIdle = await FanoutBenchmark.RunAsync(n, w, 200, inFlight: 1);
        var baselineIdle = await ChannelsBaseline.RunAsync(n, w, 200, inFlight: 1);
        var ratio = ours.DeliveriesPerSecond / baseline.DeliveriesPerSecond;
        ratios.Add(ratio);
        Line($"| {n:N0} | {w} | {audience:N0} | {events:N0} | {ours.Deliveries:N0} | {ours.DeliveriesPerSecond:N0} | {ours.P50:F0} / {ours.P99:F0} | {oursIdle.P50:F1} / {oursIdle.P99:F1} | {ours.BytesPerDelivery:F1} | " +
             $"{baseline.DeliveriesPerSecond:N0} | {baseline.P50:F0} / {baseline.P99:F0} | {baselineIdle.P50:F1} / {baselineIdle.P99:F1} | {baseline.BytesPerDelivery:F1} | {ratio:F2} | {oursRuns.Sum(r => r.Overflow) + baselineRuns.Sum(r => r.Overflow)} |");
    }
    Line();
    var worst = ratios.Min();
    Line($"Target \"in-process fan-out within 2x of the raw Channels baseline\": worst ratio {worst:F2} (ours/channels throughput): **{(worst >= 0.5 ? "met" : "not met")}**.");
    Line();
}

if (what is "scoped" or "all")
{
    Line("### Scoped delivery: cost per event grows with the audience, not with the connection count");
    Line();
    Line("| connections | audience | delivery | ns per event (publish) | ns per delivery |");
    Line("|---|---|---|---|---|");
    var events = quick ? 20_000 : 200_000;
    var results = new List<ScopedDeliveryBenchmark.Result>();
    foreach (var (connections, audience, real) in new[]
             {
                 (1_000, 10, false), (10_000, 10, false), (100_000, 10, false),
                 (1_000, 100, false), (1_000, 1_000, false),
                 (1_000, 10, true), (10_000, 10, true),
             })
    {
        if (quick && connections > 10_000) continue;
        GC.Collect();
        var r = await ScopedDeliveryBenchmark.RunAsync(connections, audience, real ? events / 10 : events, real);
        results.Add(r);
        Line($"| {r.Connections:N0} | {r.Audience:N0} | {r.Kind} | {r.NanosPerEvent:N0} | {r.NanosPerDelivery:N1} |");
    }
    var fixedAudience = results.Where(r => r.Audience == 10 && r.Kind == "routing only").OrderBy(r => r.Connections).ToList();
    var byAudience = results.Where(r => r.Connections == 1_000 && r.Kind == "routing only").OrderBy(r => r.Audience).ToList();
    var perDelivery = (byAudience[^1].NanosPerEvent - byAudience[0].NanosPerEvent) / (byAudience[^1].Audience - byAudience[0].Audience);
    Line();
    foreach (var r in fixedAudience.Skip(1))
    {
        var growth = r.NanosPerEvent / fixedAudience[0].NanosPerEvent;
        Line($"- Audience fixed at 10: {fixedAudience[0].Connections:N0} -> {r.Connections:N0} connections changed the cost per event {growth:F2}x" +
             (growth <= 1.5 ? ": **flat**." : ": **it grew**. The lookup is still one dictionary access; at this size the buckets and connections an event touches no longer stay in the CPU caches, so each event pays memory misses rather than work per connection."));
    }
    Line($"- Connections fixed at 1,000: audience {byAudience[0].Audience:N0} -> {byAudience[^1].Audience:N0} changed it " +
         $"{byAudience[^1].NanosPerEvent / byAudience[0].NanosPerEvent:F1}x: a fixed cost per event plus about {perDelivery:F1} ns per audience member " +
         "(routing only; a real subscription queue adds its enqueue and wake-up per member, the 'subscription queues' rows).");
    Line();
}

if (what is "presence")
{
    // Not in "all": with Redis it needs a server (--redis host:port) and waits out a dead instance's expiry (~20 s).
    var redisUrl = args.SkipWhile(a => a != "--redis").Skip(1).FirstOrDefault();
    var samples = quick ? 50 : 200;
    Line("### Presence: join/leave latency and a dead instance's expiry");
    Line();
    Line("From `TrackAsync` / `DisposeAsync` on instance A to the `presence.changed` event showing it at a connection on instance B " +
         "(with Redis: store transaction, relay, routing; in memory: one instance). Expiry: an instance that tracked and then never " +
         "renewed (crashed), default heartbeat 5 s and timeout 15 s, seen from a live instance.");
    Line();
    Line("| store | samples | join p50 / p99 / max ms | leave p50 / p99 / max ms | dead-instance expiry s |");
    Line("|---|---|---|---|---|");
    foreach (var url in redisUrl is null ? new string?[] { null } : [null, redisUrl])
    {
        var r = await PresenceBenchmark.RunAsync(url, samples, expiryRuns: 5);
        Line($"| {r.Store} | {r.Samples} | {r.JoinP50:F2} / {r.JoinP99:F2} / {r.JoinMax:F2} | {r.LeaveP50:F2} / {r.LeaveP99:F2} / {r.LeaveMax:F2} | " +
             (r.ExpirySeconds.Length == 0 ? "n/a (one process)" : string.Join(", ", r.ExpirySeconds.Select(s => s.ToString("F1")))) + " |");
    }
    Line();
}

if (outFile is not null) await File.AppendAllTextAsync(outFile, report.ToString());
