// Opens N hub connections (WebSockets), asks the app to publish M global bench.tick events, and measures
// deliveries/s and publish-to-receive latency. Prints one JSON line in the same shape as
// bench/peers/socketio/client.js so bench/run.sh can put both side by side.
//
//   dotnet run -c Release --project bench/HubLoad -- --urls http://127.0.0.1:5000[,http://127.0.0.1:5001]
//       --clients 200 --events 2000 --rate 0 --payload 256 [--warmup W] [--timeout-seconds 120]
// --warmup W: W events flooded to every client and discarded before the measured run, twice, with a pause after each (a
// paced run then 10 s more at its rate), so the run sees a warmed-up server (JIT tiering, pools), as in steady state. bench/run.sh passes the same W to every peer.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using HubLoad;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

var options = Options.Parse(args);
var urls = options.Urls;
using var http = new HttpClient { BaseAddress = urls[0], Timeout = TimeSpan.FromMinutes(5) };
var tokenResponse = await http.PostAsync("api/bench/token", null);
tokenResponse.EnsureSuccessStatusCode();
var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
http.DefaultRequestHeaders.Authorization = new("Bearer", token);

var expected = (long)options.Clients * options.Events;
var latencies = new double[expected];
long delivered = 0;
double lastReceiveAt = 0;
var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
var lastDelivery = Stopwatch.StartNew();
var warming = false; // warm-up ticks are counted apart and never measured
long warmed = 0;

var connections = new List<HubConnection>(options.Clients);
Console.Error.WriteLine($"connecting {options.Clients} hub clients to {string.Join(",", urls.Select(u => u.ToString()))}");
for (var batch = 0; batch < options.Clients; batch += 50)
{
    var opening = new List<Task>();
    for (var i = batch; i < Math.Min(options.Clients, batch + 50); i++)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(urls[i % urls.Length], "hubs/realtime"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        connection.On<JsonElement>("event", e =>
        {
            var payload = e.GetProperty("payload");
            if (!payload.TryGetProperty("sentAt", out var sentAt)) return;
            if (Volatile.Read(ref warming)) { Interlocked.Increment(ref warmed); return; }
            var now = Clock.NowMs();
            var index = Interlocked.Increment(ref delivered) - 1;
            if (index < expected) latencies[index] = now - sentAt.GetDouble();
            Volatile.Write(ref lastReceiveAt, now);
            lastDelivery.Restart();
            if (index + 1 == expected) allDone.TrySetResult();
        });
        connections.Add(connection);
        opening.Add(connection.StartAsync());
    }
    await Task.WhenAll(opening).WaitAsync(TimeSpan.FromSeconds(60));
}
Console.Error.WriteLine("all connected; publishing");

// Warm-up: two discarded floods, each followed by a pause in which the server's JIT can finish its background tier-up;
// a paced run then gets 10 s at its own rate (as bench/peers/warmup.mjs: a flood does not reach the paced code paths).
if (options.Warmup > 0)
{
    Volatile.Write(ref warming, true);
    var warmClock = Stopwatch.StartNew();
    var rounds = new List<(int Count, double Rate)> { (options.Warmup, 0), (options.Warmup, 0) };
    if (options.Rate > 0) rounds.Add(((int)Math.Ceiling(options.Rate * 10), options.Rate));
    long warmExpected = 0;
    foreach (var (count, rate) in rounds)
    {
        var roundClock = Stopwatch.StartNew();
        var warmDeadline = TimeSpan.FromSeconds(30 + (rate > 0 ? count / rate : 0));
        warmExpected += (long)options.Clients * count;
        (await http.PostAsJsonAsync("api/bench/publish", new { count, rate, payloadBytes = options.Payload, wait = false }))
            .EnsureSuccessStatusCode();
        while (Interlocked.Read(ref warmed) < warmExpected && roundClock.Elapsed < warmDeadline)
            await Task.Delay(50);
        await Task.Delay(2000);
    }
    Volatile.Write(ref warming, false);
    Console.Error.WriteLine($"warm-up: {Interlocked.Read(ref warmed)}/{warmExpected} deliveries in {warmClock.Elapsed.TotalSeconds:F2} s (discarded)");
}

var cpuBefore = await ServerCpuMsAsync();
var firstSentAt = Clock.NowMs();
var publish = await http.PostAsJsonAsync("api/bench/publish", new { count = options.Events, rate = options.Rate, payloadBytes = options.Payload, wait = false });
publish.EnsureSuccessStatusCode();

var deadline = Stopwatch.StartNew();
while (!allDone.Task.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(options.TimeoutSeconds)
       && !(Interlocked.Read(ref delivered) > 0 && lastDelivery.Elapsed > TimeSpan.FromSeconds(5)))
    await Task.WhenAny(allDone.Task, Task.Delay(100));

var serverCpuMs = await ServerCpuMsAsync() - cpuBefore;
var got = Math.Min(Interlocked.Read(ref delivered), expected);
var received = latencies.AsSpan(0, (int)got).ToArray();
Array.Sort(received);
var durationMs = Volatile.Read(ref lastReceiveAt) - firstSentAt;
var result = new
{
    peer = "signalr",
    clients = options.Clients,
    events = options.Events,
    rate = options.Rate,
    payloadBytes = options.Payload,
    instances = urls.Length,
    expected,
    deliveries = got,
    lost = expected - got,
    durationMs = Math.Round(durationMs, 3),
    deliveriesPerSec = Math.Round(got / (durationMs / 1000), 3),
    p50Ms = Math.Round(Percentile(received, 0.50), 3),
    p99Ms = Math.Round(Percentile(received, 0.99), 3),
    maxMs = Math.Round(received.Length == 0 ? 0 : received[^1], 3),
    serverCpuMs = Math.Round(serverCpuMs, 1),
    serverCpuUsPerDelivery = got == 0 ? 0 : Math.Round(serverCpuMs * 1000 / got, 3),
};
Console.WriteLine(JsonSerializer.Serialize(result));
await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
return got == expected ? 0 : 2;

// CPU used by every server process, summed (bench endpoint of each instance).
async Task<double> ServerCpuMsAsync()
{
    var total = 0.0;
    foreach (var url in urls)
        total += (await http.GetFromJsonAsync<JsonElement>(new Uri(url, "api/bench/cpu"))).GetProperty("cpuMs").GetDouble();
    return total;
}

static double Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

namespace HubLoad
{
    internal static class Clock
    {
        private static readonly double OriginMs = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
        private static readonly long OriginTicks = Stopwatch.GetTimestamp();

        /// <summary>Wall-clock milliseconds with sub-millisecond resolution (a monotonic clock anchored once).</summary>
        public static double NowMs() => OriginMs + Stopwatch.GetElapsedTime(OriginTicks).TotalMilliseconds;
    }

    internal sealed record Options(Uri[] Urls, int Clients, int Events, double Rate, int Payload, int Warmup, int TimeoutSeconds)
    {
        public static Options Parse(string[] args)
        {
            string Get(string name, string? fallback = null)
            {
                var index = Array.IndexOf(args, "--" + name);
                if (index >= 0 && index + 1 < args.Length) return args[index + 1];
                return fallback ?? throw new ArgumentException($"--{name} is required");
            }
            return new Options(
                Get("urls").Split(',').Select(u => new Uri(u.EndsWith('/') ? u : u + "/")).ToArray(),
                int.Parse(Get("clients")), int.Parse(Get("events")), double.Parse(Get("rate", "0"), CultureInfo.InvariantCulture),
                int.Parse(Get("payload", "256")), int.Parse(Get("warmup", "0")), int.Parse(Get("timeout-seconds", "120")));
        }
    }
}
