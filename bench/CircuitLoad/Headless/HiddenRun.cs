using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using App.Tests.Shared;

namespace CircuitLoad.Headless;

/// <summary>
/// Hidden tabs (issue 18): N headless circuits on a workspace's projects page, K per workspace; the app's memory with all
/// of them live, then after pausing every one the way a tab hidden past REALTIME_PAUSE_HIDDEN_SECONDS does
/// (Blazor.pauseCircuit(): see HeadlessCircuit.Pause.cs), then after resuming R of them (Blazor.resumeCircuit()) and
/// checking each resumed circuit renders a workspace event published afterwards. Prints one markdown row and one JSON line.
///   CircuitLoad hidden [--url http://127.0.0.1:5000] [--circuits 200] [--per-workspace 100] [--resume N (all)]
///                      [--parallel 32] [--state-on-server] [--label TEXT] [--out FILE] [--path /w/{slug}/projects] [--settle 90] [--hold SECONDS]
/// By default each tab does what blazor.web.js 10.0 does: it stops its connection as soon as PauseCircuit answers, so the
/// state the server sends (JS.SavePersistedState) is kept by the tab only when it arrived first; otherwise the server
/// keeps it in its circuit persistence store (in memory, up to 1,000 circuits for 2 hours by default). Seen in Chromium
/// both ways: warm server, the tab keeps it; cold or busy server, the tab still gets it but its answer is lost with the
/// connection, so the server keeps a copy too (never claimed: the resume brings the tab's copy). --state-on-server
/// answers false, so the server keeps every paused circuit's state and the tabs resume from it.
/// Without --url it starts the built app itself (its own SQLite database) with the bench endpoints on and the per-user
/// circuit limits lifted (K tabs per user); with --url start it so (RATE_LIMIT_CIRCUITS_PER_USER above K).
/// --settle S measures the paused server again after S seconds: right after the pauses the heap still holds the buffer
/// pools' high-water mark of the live phase (ArrayPool, Kestrel's memory pool), which they trim over time.
/// --hold N waits N seconds at the baseline and again with every circuit paused, to take heap dumps (dotnet-gcdump).
/// </summary>
public static class HiddenRun
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args)
    {
        var circuits = HeadlessRun.Arg(args, "circuits", 200);
        var perWorkspace = HeadlessRun.Arg(args, "per-workspace", 100);
        var resumeCount = Math.Min(circuits, HeadlessRun.Arg(args, "resume", circuits));
        var parallel = HeadlessRun.Arg(args, "parallel", 32);
        var stateOnServer = args.Contains("--state-on-server");
        var label = HeadlessRun.Text(args, "label") ?? "";
        var outFile = HeadlessRun.Text(args, "out");
        var pathTemplate = HeadlessRun.Text(args, "path") ?? "/w/{slug}/projects";
        var url = HeadlessRun.Text(args, "url");
        var hold = HeadlessRun.Arg(args, "hold", 0);
        var settle = HeadlessRun.Arg(args, "settle", 90);

        await using var target = await BenchTarget.StartAsync(url);
        var (app, baseUrl, http, bench) = (target.App, target.BaseUrl, target.Http, target.Bench);
        var users = await target.RegisterUsersAsync(circuits, perWorkspace, "hidden");
        var workspaces = users.Length;
        var slugs = users.Select(u => u.Slug).ToArray();

        var observer = new CircuitObserver(traceJs: false) { RefusePersistedState = stateOnServer };
        // Warm-up: a few circuits opened, paused, resumed and closed, so the baseline already holds what those paths
        // JIT-compile and cache.
        var warm = await HeadlessRun.OpenManyAsync(baseUrl, http, users, pathTemplate, 5, 1, 5, observer);
        var warmPaused = (await Task.WhenAll(warm.Select(c => c.PauseAsync(StepTimeout)))).Count(ok => ok);
        await SettledAsync(bench);
        var warmResumed = (await Task.WhenAll(warm.Select(c => c.ResumeAsync(StepTimeout)))).Count(ok => ok);
        var warmFailures = HeadlessRun.Summarise(observer.Errors);
        await HeadlessRun.CloseAllAsync(warm, 5);
        if (warmResumed < warm.Count)
        {
            Log($"warm-up: {warmPaused}/{warm.Count} paused, {warmResumed} resumed; failures: {warmFailures}");
            return 3;
        }
        observer.Errors.Clear();
        await Task.Delay(2000);
        var before = await HeadlessRun.MemoryAsync(bench);
        await HoldAsync(hold, "at the baseline", app);

        Log($"opening {circuits} circuits ({parallel} at a time)");
        var open = Stopwatch.StartNew();
        var opened = await HeadlessRun.OpenManyAsync(baseUrl, http, users, pathTemplate, circuits, perWorkspace, parallel, observer);
        var live = opened.Where(c => c.IsUp).ToList();
        Log($"opened {live.Count}/{circuits} in {open.Elapsed.TotalSeconds:F1} s; failures: {HeadlessRun.Summarise(observer.Errors)}");
        await Task.Delay(3000);
        var liveMemory = await HeadlessRun.MemoryAsync(bench);
        Log($"live: {Mb(liveMemory.WorkingSet)} MB working set, {liveMemory.Connections} realtime connections");

        Log($"pausing {live.Count} circuits ({parallel} at a time), as a tab hidden too long does");
        var pauseTimes = new List<double>();
        await Parallel.ForEachAsync(live, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (c, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            if (await c.PauseAsync(StepTimeout))
                lock (pauseTimes) pauseTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        });
        var paused = live.Where(c => c.IsPaused).ToList();
        var offered = paused.Count(c => c.StateOffered);
        var keptByClient = paused.Count(c => c.PersistedStateChars > 0);
        var stateChars = paused.Sum(c => (long)c.OfferedStateChars);
        Log($"paused {paused.Count}/{live.Count}; JS.SavePersistedState sent to {offered} ({(offered == 0 ? 0 : stateChars / offered):N0} chars each), " +
            $"kept by {keptByClient} tabs; failures: {HeadlessRun.Summarise(observer.Errors)}");
        var pausedMemory = await SettledAsync(bench);
        Log($"paused: {Mb(pausedMemory.WorkingSet)} MB working set, {pausedMemory.Connections} realtime connections left, " +
            $"{pausedMemory.PersistedCircuits} circuit states in the server's persistence store ({before.PersistedCircuits} before)");

        var settledMemory = pausedMemory;
        if (settle > 0)
        {
            Log($"waiting {settle} s with every circuit paused");
            await Task.Delay(TimeSpan.FromSeconds(settle));
            settledMemory = await HeadlessRun.MemoryAsync(bench);
            Log($"paused {settle} s: {Mb(settledMemory.WorkingSet)} MB working set, {settledMemory.Connections} realtime connections, " +
                $"{settledMemory.PersistedCircuits} circuit states in the store");
        }
        await HoldAsync(hold, "with every circuit paused", app);

        var toResume = paused.Take(resumeCount).ToList();
        Log($"resuming {toResume.Count} circuits ({parallel} at a time), as a tab shown again does");
        var resumeTimes = new List<double>();
        await Parallel.ForEachAsync(toResume, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (c, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            if (await c.ResumeAsync(StepTimeout))
                lock (resumeTimes) resumeTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        });
        // Interactive again = a workspace event published after the resume reaches the circuit's render batches.
        await Task.Delay(1000);
        var firstTicks = (await HeadlessRun.PostTicksAsync(bench, slugs)).ToDictionary(t => t.Slug, t => t.Sequence);
        for (var round = 1; round < 3; round++)
        {
            await Task.Delay(1000);
            await HeadlessRun.PostTicksAsync(bench, slugs);
        }
        await Task.Delay(2000);
        var resumedOk = toResume.Count(c => c.IsUp && c.MaxSequence >= firstTicks[slugs[c.Workspace]]);
        var resumedMemory = await HeadlessRun.MemoryAsync(bench);
        Log($"resumed: {resumedOk}/{toResume.Count} rendered a later event; {Mb(resumedMemory.WorkingSet)} MB working set, " +
            $"{resumedMemory.Connections} realtime connections, {resumedMemory.PersistedCircuits} states left in the store; " +
            $"failures: {HeadlessRun.Summarise(observer.Errors)}");

        await HeadlessRun.CloseAllAsync(opened, 64);
        if (app is not null && observer.Errors.Count > 0)
        {
            // What the server said about the failures (its warnings and errors), next to the client's view of them.
            var serverLog = Path.Combine(Path.GetTempPath(), $"circuitload-hidden-{DateTime.UtcNow:yyyyMMdd-HHmmss}.log");
            await File.WriteAllTextAsync(serverLog, app.Output);
            Log($"server log with the failures: {serverLog}");
        }

        pauseTimes.Sort();
        resumeTimes.Sort();
        var result = new HiddenResult
        {
            Label = label,
            Cores = Environment.ProcessorCount,
            Requested = circuits,
            Workspaces = workspaces,
            Mode = stateOnServer ? "tabs refuse the state" : "as blazor.web.js",
            Live = live.Count,
            Paused = paused.Count,
            StateKeptByTabs = keptByClient,
            StateOffered = offered,
            StateChars = offered == 0 ? 0 : stateChars / (double)offered,
            Resumed = toResume.Count,
            ResumedOk = resumedOk,
            BaselineWorkingSetMb = Mb(before.WorkingSet),
            LiveManagedKbPerCircuit = PerCircuitKb(liveMemory.Managed - before.Managed, live.Count),
            LiveWorkingSetMb = Mb(liveMemory.WorkingSet),
            PausedManagedKbPerCircuit = PerCircuitKb(pausedMemory.Managed - before.Managed, paused.Count),
            PausedWorkingSetMb = Mb(pausedMemory.WorkingSet),
            PausedConnectionsLeft = pausedMemory.Connections,
            StoreAfterPause = pausedMemory.PersistedCircuits - before.PersistedCircuits,
            SettleSeconds = settle,
            SettledManagedKbPerCircuit = PerCircuitKb(settledMemory.Managed - before.Managed, paused.Count),
            SettledWorkingSetMb = Mb(settledMemory.WorkingSet),
            StoreAfterResume = resumedMemory.PersistedCircuits - before.PersistedCircuits,
            ResumedManagedKbPerCircuit = PerCircuitKb(resumedMemory.Managed - before.Managed, resumedOk),
            ResumedWorkingSetMb = Mb(resumedMemory.WorkingSet),
            PauseP50 = HeadlessRun.Percentile(pauseTimes, 0.50),
            PauseP99 = HeadlessRun.Percentile(pauseTimes, 0.99),
            ResumeP50 = HeadlessRun.Percentile(resumeTimes, 0.50),
            ResumeP99 = HeadlessRun.Percentile(resumeTimes, 0.99),
            FirstErrors = HeadlessRun.Summarise(observer.Errors),
        };
        Console.WriteLine(HiddenResult.MarkdownHeader);
        Console.WriteLine(result.MarkdownRow());
        var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals });
        Console.WriteLine(json);
        if (outFile is not null) await File.AppendAllTextAsync(outFile, json + "\n");
        return live.Count == circuits && paused.Count == live.Count && resumedOk == toResume.Count ? 0 : 2;
    }

    /// <summary>
    /// Waits (up to a minute) for the server to finish the pauses: PauseCircuit answers at once and the server then
    /// persists the state, sends it to the tab or keeps it, and disposes the circuit, whose realtime subscriptions go
    /// with it. A resume sent before that finds no state (seen here in a warm-up that resumed at once).
    /// </summary>
    private static async Task<HeadlessRun.ServerMemory> SettledAsync(HttpClient bench)
    {
        var memory = await HeadlessRun.MemoryAsync(bench);
        for (var waited = 0; memory.Connections > 0 && waited < 60; waited += 2)
        {
            await Task.Delay(2000);
            memory = await HeadlessRun.MemoryAsync(bench);
        }
        await Task.Delay(1000);
        return await HeadlessRun.MemoryAsync(bench);
    }

    private static async Task HoldAsync(int seconds, string when, AppProcess? app)
    {
        if (seconds <= 0) return;
        Log($"HOLD {when} ({seconds} s){(app is null ? "" : $", app pid {app.ProcessId}")}");
        await Task.Delay(TimeSpan.FromSeconds(seconds));
    }

    private static double Mb(long bytes) => bytes / 1024.0 / 1024.0;

    private static double PerCircuitKb(long bytes, int circuits) => bytes / 1024.0 / Math.Max(1, circuits);

    private static void Log(string message) => HeadlessRun.Log(message);
}

/// <summary>One hidden-tabs run, as a markdown row and a JSON line.</summary>
public sealed class HiddenResult
{
    public string Label { get; init; } = "";
    public int Cores { get; init; }
    public int Requested { get; init; }
    public int Workspaces { get; init; }
    public string Mode { get; init; } = "";
    public int Live { get; init; }
    public int Paused { get; init; }
    public int StateKeptByTabs { get; init; }
    /// <summary>Paused circuits whose state the server sent to the tab (JS.SavePersistedState), and its mean size.</summary>
    public int StateOffered { get; init; }
    public double StateChars { get; init; }
    public int Resumed { get; init; }
    public int ResumedOk { get; init; }
    public double BaselineWorkingSetMb { get; init; }
    public double LiveManagedKbPerCircuit { get; init; }
    public double LiveWorkingSetMb { get; init; }
    public double PausedManagedKbPerCircuit { get; init; }
    public double PausedWorkingSetMb { get; init; }
    public int PausedConnectionsLeft { get; init; }
    public int SettleSeconds { get; init; }
    public double SettledManagedKbPerCircuit { get; init; }
    public double SettledWorkingSetMb { get; init; }
    /// <summary>Paused circuits' states in the server's persistence store, over its count before opening (null: unreadable).</summary>
    public int? StoreAfterPause { get; init; }
    public int? StoreAfterResume { get; init; }
    public double ResumedManagedKbPerCircuit { get; init; }
    public double ResumedWorkingSetMb { get; init; }
    public double PauseP50 { get; init; }
    public double PauseP99 { get; init; }
    public double ResumeP50 { get; init; }
    public double ResumeP99 { get; init; }
    public string FirstErrors { get; init; } = "";

    public const string MarkdownHeader =
        "| circuits | tabs | live: managed KB / circuit | live: working set MB | paused: managed KB / circuit (at once / later) | paused: working set MB (at once / later) | paused states kept by tabs / in server store | state size (chars) | resumed OK / failed | resume p50 / p99 ms | pause p50 / p99 ms | resumed: managed KB / circuit | resumed: working set MB | store entries left after resume | baseline working set MB |\n" +
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

    public string MarkdownRow() => string.Create(CultureInfo.InvariantCulture,
        $"| {Requested:N0} | {Mode} | {LiveManagedKbPerCircuit:F0} | {LiveWorkingSetMb:F0} | {PausedManagedKbPerCircuit:F1} / {SettledManagedKbPerCircuit:F1} | {PausedWorkingSetMb:F0} / {SettledWorkingSetMb:F0} | {StateKeptByTabs:N0} / {Store(StoreAfterPause)} | {StateChars:N0} | {ResumedOk:N0} / {Resumed - ResumedOk:N0} | {ResumeP50:F0} / {ResumeP99:F0} | {PauseP50:F0} / {PauseP99:F0} | {ResumedManagedKbPerCircuit:F0} | {ResumedWorkingSetMb:F0} | {Store(StoreAfterResume)} | {BaselineWorkingSetMb:F0} |");

    private static string Store(int? entries) => entries is { } n ? n.ToString("N0", CultureInfo.InvariantCulture) : "?";
}
