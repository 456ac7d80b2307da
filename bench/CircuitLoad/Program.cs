// Circuits in a real browser:
//   1. server memory per idle circuit: open P pages of a workspace's projects page, measure the app's memory
//      (managed heap after a full GC, and working set) before and after, divide by P;
//   2. event-to-DOM latency: publish E global events at R/s through the real bridge and time, in the page, when
//      each one's sequence lands in the DOM (a MutationObserver on the realtime probe), against the server's send time.
//   dotnet run -c Release --project bench/CircuitLoad -- [--pages 50] [--events 500] [--rate 50] [--out FILE]
// With `headless` first, it runs the headless scale run instead (no browser; see Headless/HeadlessRun.cs); with `hidden`,
// the hidden-tabs run: memory with N live circuits, then paused as hidden tabs pause them, then resumed (Headless/HiddenRun.cs).
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using App.Tests.Shared;
using Microsoft.Playwright;

if (args is ["headless", ..]) return await CircuitLoad.Headless.HeadlessRun.RunAsync(args[1..]);
if (args is ["hidden", ..]) return await CircuitLoad.Headless.HiddenRun.RunAsync(args[1..]);

var pages = Arg("pages", 50);
var events = Arg("events", 500);
var rate = Arg("rate", 50);
var outFile = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
// --hold N: pause N seconds before and after opening the pages (printing the app's pid) to inspect its heap.
var hold = Arg("hold", 0);
var pathTemplate = args.SkipWhile(a => a != "--path").Skip(1).FirstOrDefault() ?? "/w/{slug}/projects";

// One user holds every page: lift the per-user circuit limit (docs/operations.md).
await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
{
    ["REALTIME_BENCH_ENDPOINTS"] = "true", ["RATE_LIMIT_CIRCUITS_PER_USER"] = "100000", ["RATE_LIMIT_CONNECTIONS_PER_USER"] = "100000",
});
using var http = new HttpClient { BaseAddress = app.BaseUrl };
var token = (await (await http.PostAsync("api/bench/token", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
http.DefaultRequestHeaders.Authorization = new("Bearer", token);

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = TestEnvironment.Chromium,
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        // Background tabs must not be throttled, or their circuits idle differently from a real user's.
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"],
});
var context = await browser.NewContextAsync(new() { BaseURL = app.BaseUrl.ToString() });
context.SetDefaultTimeout(30_000);

// A user and their workspace, through the real form.
var register = await context.NewPageAsync();
await register.GotoAsync("/Account/Register");
var email = $"circuits.{Guid.NewGuid():N}@bench.invalid";
await register.Locator("#register-name").FillAsync("Circuit Bench");
await register.Locator("#register-email").FillAsync(email);
await register.Locator("#register-password").FillAsync("Bench-Passw0rd");
await register.Locator("#register-confirm").FillAsync("Bench-Passw0rd");
await register.Locator("#register-submit").ClickAsync();
await register.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/w/[a-z0-9-]+$"));
var slug = new Uri(register.Url).AbsolutePath.Split('/')[2];
await register.CloseAsync();
await Task.Delay(2000); // let the closed page's circuit go

// Event-to-DOM with a single circuit (this page only).
var first = await context.NewPageAsync();
await first.GotoAsync(pathTemplate.Replace("{slug}", slug));
await first.Locator("#shell-ready[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
var alone = await EventToDomAsync(first);
await first.CloseAsync();
await Task.Delay(2000);

var before = await MemoryAsync();
if (hold > 0)
{
    Console.Error.WriteLine($"HOLD before pid={app.ProcessId}");
    await Task.Delay(TimeSpan.FromSeconds(hold));
}
var opened = new List<IPage>();
for (var i = 0; i < pages; i++)
{
    var page = await context.NewPageAsync();
    await page.GotoAsync(pathTemplate.Replace("{slug}", slug));
    await page.Locator("#shell-ready[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    opened.Add(page);
}
await Task.Delay(3000);
var after = await MemoryAsync();
if (hold > 0)
{
    Console.Error.WriteLine($"HOLD after pid={app.ProcessId}");
    await Task.Delay(TimeSpan.FromSeconds(hold));
}
var circuits = after.Connections - before.Connections;

// Event-to-DOM again with every circuit open and listening.
var loaded = await EventToDomAsync(opened[0]);

var perCircuitManaged = (after.ManagedBytes - before.ManagedBytes) / (double)circuits;
var perCircuitWorkingSet = (after.WorkingSetBytes - before.WorkingSetBytes) / (double)circuits;
var report = new StringBuilder();
report.AppendLine($"### Blazor circuits in Chromium ({DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores)");
report.AppendLine();
report.AppendLine("| measure | value | target |");
report.AppendLine("|---|---|---|");
report.AppendLine($"| circuits opened (pages of {pathTemplate}) | {circuits} | |");
report.AppendLine($"| managed heap per idle circuit (after full GC) | {perCircuitManaged / 1024:F1} KB | <= 150 KB: {(perCircuitManaged <= 150 * 1024 ? "met" : "NOT met (Blazor's own floor, an empty interactive page, is ~176 KB: see the notes)")} |");
report.AppendLine($"| working set per idle circuit | {perCircuitWorkingSet / 1024:F1} KB | |");
// The target is judged on one listening page. With every page listening, one headless Chromium renders all of them
// on the server's cores: renders coalesce (fewer sequences reach the DOM) and the tail is the browser's. That row is
// reported as a stress figure.
foreach (var (label, result, judged) in new[] { ("1 circuit", alone, true), ($"{circuits} circuits listening", loaded, false) })
{
    report.AppendLine($"| event-to-DOM, {label}: sequences seen in the DOM | {result.Seen} / {events} | |");
    var target = judged
        ? $"p99 <= 50 ms: {(result.P99 <= 50 ? "met" : "NOT met")}"
        : $"stress figure, not the target's measure: one Chromium renders all {circuits} pages on these {Environment.ProcessorCount} cores";
    report.AppendLine($"| event-to-DOM, {label}: p50 / p99 / max ({rate} events/s) | {result.P50:F2} / {result.P99:F2} / {result.Max:F2} ms | {target} |");
}
Console.Write(report);
if (outFile is not null) await File.AppendAllTextAsync(outFile, report + Environment.NewLine);
// Only the single page must see every sequence: with many pages renders coalesce by design (the DOM shows the latest).
return alone.Seen == events ? 0 : 2;

async Task<(int Seen, double P50, double P99, double Max)> EventToDomAsync(IPage probePage)
{
    // Record when each event's sequence lands in this page's DOM (the realtime probe's attribute).
    await probePage.EvaluateAsync("""
        () => {
            window.__seen = [];
            const probe = document.getElementById('realtime-probe');
            new MutationObserver(() => window.__seen.push([Number(probe.dataset.sequence), performance.timeOrigin + performance.now()]))
                .observe(probe, { attributes: true, attributeFilter: ['data-sequence'] });
        }
        """);
    var publish = await http.PostAsJsonAsync("api/bench/publish", new { count = events, rate, payloadBytes = 256, wait = true });
    publish.EnsureSuccessStatusCode();
    var sent = (await publish.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()
        .ToDictionary(e => e.GetProperty("sequence").GetInt64(), e => e.GetProperty("sentAt").GetDouble());
    await Task.Delay(2000);
    var seen = await probePage.EvaluateAsync<double[][]>("() => window.__seen");
    var latencies = seen.Where(s => sent.ContainsKey((long)s[0])).Select(s => s[1] - sent[(long)s[0]]).Order().ToArray();
    double Pct(double p) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
    return (latencies.Length, Pct(0.50), Pct(0.99), latencies.Length == 0 ? double.NaN : latencies[^1]);
}

async Task<(long ManagedBytes, long WorkingSetBytes, int Connections)> MemoryAsync()
{
    var m = await http.GetFromJsonAsync<JsonElement>("api/bench/memory");
    return (m.GetProperty("managedBytes").GetInt64(), m.GetProperty("workingSetBytes").GetInt64(), m.GetProperty("connections").GetInt32());
}

int Arg(string name, int fallback)
{
    var index = Array.IndexOf(args, "--" + name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
