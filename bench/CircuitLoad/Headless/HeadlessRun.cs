using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using App.Tests.Shared;

namespace CircuitLoad.Headless;

/// <summary>
/// The scale run: N signed-in headless circuits on a workspace's projects page, K per workspace (one user per
/// workspace, each tab its own circuit), then one workspace-scoped event per second per workspace for S seconds,
/// timing publish -> arrival of the render batch carrying the event's sequence. Prints one markdown row and one JSON line.
///   CircuitLoad headless [--url http://127.0.0.1:5000] [--circuits 200] [--per-workspace 100] [--seconds 60]
///                        [--open-parallel 32] [--trace-js] [--label TEXT] [--out FILE] [--path /w/{slug}/projects] [--hold SECONDS]
/// Without --url it starts the built app itself (its own SQLite database) with the bench endpoints on.
/// </summary>
public static class HeadlessRun
{
    private const int SlicesPerSecond = 10; // each workspace's tick lands in one of 10 slices of the second

    public static async Task<int> RunAsync(string[] args)
    {
        var circuits = Arg(args, "circuits", 200);
        var perWorkspace = Arg(args, "per-workspace", 100);
        var seconds = Arg(args, "seconds", 60);
        var warmupSeconds = Arg(args, "warmup", 5);
        var openParallel = Arg(args, "open-parallel", 32);
        var traceJs = args.Contains("--trace-js");
        var label = Text(args, "label") ?? "";
        var outFile = Text(args, "out");
        var pathTemplate = Text(args, "path") ?? "/w/{slug}/projects";
        var url = Text(args, "url");
        // --hold N: pause N seconds before and after opening the circuits, to inspect the app's heap (dotnet-gcdump).
        var hold = Arg(args, "hold", 0);

        await using var target = await BenchTarget.StartAsync(url);
        var (app, baseUrl, http, bench) = (target.App, target.BaseUrl, target.Http, target.Bench);
        var users = await target.RegisterUsersAsync(circuits, perWorkspace, "circuits");
        var workspaces = users.Length;

        var observer = new CircuitObserver(traceJs);
        // Warm-up: a few circuits opened and closed, so the baseline already holds what the first circuit JIT-compiles and caches.
        var warm = await OpenManyAsync(baseUrl, http, users, pathTemplate, 5, 1, 5, observer);
        await CloseAllAsync(warm, 5);
        await Task.Delay(2000);
        observer.Errors.Clear();
        var before = await MemoryAsync(bench);
        if (hold > 0)
        {
            Log($"HOLD before opening ({hold} s)");
            await Task.Delay(TimeSpan.FromSeconds(hold));
        }

        Log($"opening {circuits} circuits ({openParallel} at a time)");
        using var statusCts = new CancellationTokenSource();
        var serverCpu0 = await ServerCpuMsAsync(bench);
        var open = Stopwatch.StartNew();
        var status = ReportWhileOpenAsync(observer, circuits, statusCts.Token);
        var opened = await OpenManyAsync(baseUrl, http, users, pathTemplate, circuits, perWorkspace, openParallel, observer);
        open.Stop();
        var serverCpuOpen = await ServerCpuMsAsync(bench) - serverCpu0;
        var openFailures = opened.Count(c => c.Failure is not null);
        Log($"opened {circuits - openFailures}/{circuits} in {open.Elapsed.TotalSeconds:F1} s; failures: {Summarise(observer.Errors)}");
        await Task.Delay(3000);

        var slugs = users.Select(u => u.Slug).ToArray();
        if (warmupSeconds > 0)
        {
            Log($"warm-up: {warmupSeconds} s of events (not measured)");
            await PublishAsync(bench, slugs, warmupSeconds);
            await Task.Delay(1000);
        }
        while (observer.Arrivals.TryDequeue(out _)) { }

        Log($"measuring: {seconds} s at 1 event/s in each of {workspaces} workspaces");
        var generator = Process.GetCurrentProcess();
        var generatorCpu0 = generator.TotalProcessorTime;
        var serverCpu1 = await ServerCpuMsAsync(bench);
        var wall = Stopwatch.StartNew();
        var ticks = await PublishAsync(bench, slugs, seconds);
        await Task.Delay(2000); // stragglers
        wall.Stop();
        var serverCpuEvents = await ServerCpuMsAsync(bench) - serverCpu1;
        generator.Refresh();
        var generatorCpuEvents = (generator.TotalProcessorTime - generatorCpu0).TotalMilliseconds;

        // Latency: each arrival of a measured sequence, against that event's publish time.
        var bySequence = ticks.ToDictionary(t => t.Sequence);
        var latencies = new List<double>();
        foreach (var (sequence, arrivedAt) in observer.Arrivals)
            if (bySequence.TryGetValue(sequence, out var tick)) latencies.Add(arrivedAt - tick.SentAt);
        latencies.Sort();
        var slugIndex = slugs.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i);
        var upPerWorkspace = new int[workspaces];
        foreach (var c in opened.Where(c => c.IsUp)) upPerWorkspace[c.Workspace]++;
        var held = opened.Count(c => c.IsUp);
        long expected = ticks.Sum(t => (long)upPerWorkspace[slugIndex[t.Slug]]);

        // Memory last: /api/bench/memory runs two blocking compacting full GCs, which with thousands of circuits on a
        // busy machine can stall the server past the clients' 30 s server timeout (seen at 5,000: ~40 s, every circuit
        // dropped). Measured after the events phase, such a stall cannot cost the latency or held figures.
        var memoryCall = Stopwatch.StartNew();
        var after = await MemoryAsync(bench);
        Log($"memory after {held} circuits: the forced full GC took {memoryCall.Elapsed.TotalSeconds:F1} s");
        var upAfterOpen = held;
        if (hold > 0)
        {
            Log($"HOLD after opening ({hold} s)");
            await Task.Delay(TimeSpan.FromSeconds(hold));
        }

        statusCts.Cancel();
        await status;
        Log($"closing every circuit (disconnect beacon); failures: {Summarise(observer.Errors)}");
        await CloseAllAsync(opened, 64);

        var result = new RunResult
        {
            Label = label,
            Cores = Environment.ProcessorCount,
            Requested = circuits,
            Workspaces = workspaces,
            Held = held,
            Failed = circuits - held,
            OpenSeconds = open.Elapsed.TotalSeconds,
            OpenRate = (circuits - openFailures) / open.Elapsed.TotalSeconds,
            ServerCpuMsPerOpen = serverCpuOpen / Math.Max(1, circuits - openFailures),
            Events = ticks.Count,
            Seen = latencies.Count,
            Expected = expected,
            P50 = Percentile(latencies, 0.50),
            P99 = Percentile(latencies, 0.99),
            Max = latencies.Count == 0 ? double.NaN : latencies[^1],
            ServerCpuPercent = 100 * serverCpuEvents / wall.Elapsed.TotalMilliseconds,
            GeneratorCpuPercent = 100 * generatorCpuEvents / wall.Elapsed.TotalMilliseconds,
            ManagedKbPerCircuit = (after.Managed - before.Managed) / 1024.0 / Math.Max(1, upAfterOpen),
            WorkingSetKbPerCircuit = (after.WorkingSet - before.WorkingSet) / 1024.0 / Math.Max(1, upAfterOpen),
            WorkingSetMb = after.WorkingSet / 1024.0 / 1024.0,
            ServerConnections = after.Connections,
            Batches = observer.Batches,
            FirstErrors = Summarise(observer.Errors),
        };
        if (traceJs)
            foreach (var (call, count) in observer.JsCalls.OrderByDescending(kv => kv.Value)) Log($"JS call x{count}: {call}");
        var row = result.MarkdownRow();
        Console.WriteLine(RunResult.MarkdownHeader);
        Console.WriteLine(row);
        var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals });
        Console.WriteLine(json);
        if (outFile is not null) await File.AppendAllTextAsync(outFile, json + "\n");
        // Fewer sequences seen than expected is not a failure by itself: under load Blazor coalesces renders (a circuit
        // that got two events before rendering shows only the later sequence), so it is reported, not judged.
        return result.Failed == 0 ? 0 : 2;
    }

    /// <summary>A progress line every 15 s (bounded by the run), so a stall shows when it happened.</summary>
    private static async Task ReportWhileOpenAsync(CircuitObserver observer, int circuits, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(15), ct);
                Log($"status: {Volatile.Read(ref observer.Started)}/{circuits} started, {observer.Errors.Count} failed, {Interlocked.Read(ref observer.Batches)} batches; first failures: {Summarise(observer.Errors)}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal static async Task<List<HeadlessCircuit>> OpenManyAsync(Uri baseUrl, HttpClient http, BenchUser[] users, string pathTemplate,
        int count, int perWorkspace, int parallel, CircuitObserver observer)
    {
        var circuits = new HeadlessCircuit[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, _) =>
        {
            var workspace = Math.Min(users.Length - 1, i / perWorkspace);
            var user = users[workspace];
            circuits[i] = await HeadlessCircuit.OpenAsync(baseUrl, http, user.Cookie, pathTemplate.Replace("{slug}", user.Slug).TrimStart('/'),
                workspace, observer, TimeSpan.FromSeconds(60));
        });
        return circuits.ToList();
    }

    internal static Task CloseAllAsync(List<HeadlessCircuit> circuits, int parallel) =>
        Parallel.ForEachAsync(circuits, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (c, _) => await c.DisposeAsync());

    internal sealed record Tick(string Slug, long Sequence, double SentAt);

    /// <summary>One event per workspace per second, spread over 10 slices of each second; bounded by <paramref name="seconds"/>.</summary>
    private static async Task<List<Tick>> PublishAsync(HttpClient bench, string[] slugs, int seconds)
    {
        var slices = Enumerable.Range(0, SlicesPerSecond).Select(s => slugs.Where((_, i) => i % SlicesPerSecond == s).ToArray()).ToArray();
        var calls = new List<Task<List<Tick>>>();
        var start = Stopwatch.GetTimestamp();
        for (var k = 0; k < seconds * SlicesPerSecond; k++)
        {
            var due = TimeSpan.FromMilliseconds(k * 1000.0 / SlicesPerSecond) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero) await Task.Delay(due);
            var slice = slices[k % SlicesPerSecond];
            if (slice.Length == 0) continue;
            calls.Add(PostTicksAsync(bench, slice));
        }
        return (await Task.WhenAll(calls)).SelectMany(t => t).ToList();
    }

    internal static async Task<List<Tick>> PostTicksAsync(HttpClient bench, string[] slugs)
    {
        using var response = await bench.PostAsJsonAsync("api/bench/workspace-ticks", new { slugs, payloadBytes = 64 });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<List<Tick>>(new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
    }

    /// <summary>The app's memory after a forced full GC, its realtime connections, and the paused circuits' states its
    /// circuit persistence store holds (null: not readable).</summary>
    internal sealed record ServerMemory(long Managed, long WorkingSet, int Connections, int? PersistedCircuits);

    internal static async Task<ServerMemory> MemoryAsync(HttpClient bench)
    {
        var m = await bench.GetFromJsonAsync<JsonElement>("api/bench/memory");
        return new ServerMemory(m.GetProperty("managedBytes").GetInt64(), m.GetProperty("workingSetBytes").GetInt64(), m.GetProperty("connections").GetInt32(),
            m.TryGetProperty("persistedCircuits", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : null);
    }

    private static async Task<double> ServerCpuMsAsync(HttpClient bench) =>
        (await bench.GetFromJsonAsync<JsonElement>("api/bench/cpu")).GetProperty("cpuMs").GetDouble();

    internal static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    internal static string Summarise(IEnumerable<string> errors)
    {
        var groups = errors.GroupBy(e => e.Length > 120 ? e[..120] : e).Select(g => $"{g.Count()}x {g.Key}").Take(3).ToList();
        return groups.Count == 0 ? "none" : string.Join("; ", groups);
    }

    internal static void Log(string message) => Console.Error.WriteLine($"[circuits {DateTime.UtcNow:HH:mm:ss}] {message}");

    internal static int Arg(string[] args, string name, int fallback)
    {
        var value = Text(args, name);
        return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
    }

    internal static string? Text(string[] args, string name)
    {
        var index = Array.IndexOf(args, "--" + name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
