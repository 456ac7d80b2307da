using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.AspNetCore.SignalR.Client;
using MySqlConnector;
using Xunit.Abstractions;

namespace App.E2E;

/// <summary>
/// Durable delivery on two instances sharing MariaDB and Redis: saves on instance A while Redis is stopped for 10 s,
/// and while A is killed (SIGKILL) mid-saves. A hub client and an SSE client on instance B must receive every
/// committed save's event exactly once (sequence-checked against the database), or have been told they missed
/// events; in practice the outbox gets every event through (its sweep carries them over the database while Redis is
/// down, and sends what the dead instance committed).
/// </summary>
public sealed class DurableDeliveryTests(ITestOutputHelper output)
{
    private const string Changed = "projects.project.changed";

    [Fact]
    public async Task Saves_during_a_10_s_Redis_outage_all_reach_the_other_instances_hub_and_SSE_clients_once()
    {
        await using var run = await Run.StartAsync();
        var saver = new Saver(run.A, run.Token, run.WorkspaceId, "outage", run.Clock);
        var clock = run.Clock;
        var saving = saver.RunAsync(workers: 1, pause: TimeSpan.FromMilliseconds(100));
        await Task.Delay(TimeSpan.FromSeconds(3));
        var outageStart = clock.Elapsed; // before the kill: stopping waits for the port to close
        await run.Redis.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(10));
        await run.Redis.StartAgainAsync();
        var outageEnd = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(3));
        saver.Stop();
        await saving;

        var committed = await run.CommittedNamesAsync();
        Assert.Equal(saver.Saved.Order(), committed.Order());
        await run.WaitAllReceivedAsync(committed, TimeSpan.FromSeconds(20));
        var (duringOutage, lag) = saver.LagOf(run.HubReceivedAt, outageStart, outageEnd);
        output.WriteLine($"Redis outage {outageEnd - outageStart:s\\.f} s: {committed.Count} saves committed on A ({duringOutage} during the outage); " +
            $"hub on B received {run.HubNames.Distinct().Count()}, SSE on B {run.SseNames.Distinct().Count()}; lost 0; " +
            $"missed notices hub {run.HubMissed} / SSE resets {run.SseResets}; outage saves reached B after at most {lag.TotalMilliseconds:F0} ms " +
            $"(before it, Redis up: at most {saver.LagOf(run.HubReceivedAt, TimeSpan.Zero, outageStart - TimeSpan.FromSeconds(1)).Lag.TotalMilliseconds:F0} ms)");
        run.AssertEachOnce(committed);
        Assert.True(duringOutage >= 50, $"only {duringOutage} saves during the outage");
        await run.WaitOutboxDrainedAsync();
    }

    [Fact]
    public async Task Saves_committed_by_an_instance_killed_mid_saves_all_reach_the_other_instances_clients_once()
    {
        await using var run = await Run.StartAsync();
        var saver = new Saver(run.A, run.Token, run.WorkspaceId, "crash", run.Clock);
        var saving = saver.RunAsync(workers: 4, pause: TimeSpan.Zero);
        await Task.Delay(TimeSpan.FromSeconds(2));
        saver.Killing();
        run.A.Kill(); // SIGKILL: saves in flight, events committed but maybe not yet published or relayed
        saver.Stop();
        await saving;

        // The database says what committed, whatever the killed instance managed to answer.
        var committed = await run.CommittedNamesAsync();
        Assert.Superset(saver.Saved.ToHashSet(), committed.ToHashSet());
        await run.WaitAllReceivedAsync(committed, TimeSpan.FromSeconds(20));
        output.WriteLine($"kill -9 of A mid-saves: {committed.Count} saves committed ({committed.Count - saver.Saved.Count} without an answer); " +
            $"hub on B received {run.HubNames.Distinct().Count()}, SSE on B {run.SseNames.Distinct().Count()}; lost 0; " +
            $"missed notices hub {run.HubMissed} / SSE resets {run.SseResets}");
        run.AssertEachOnce(committed);
        await run.WaitOutboxDrainedAsync();
    }

    /// <summary>Two instances on one database and one Redis, with a hub and an SSE client of the bench user on B.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly ConcurrentQueue<string> hubNames = new();
        private readonly ConcurrentQueue<string> sseNames = new();
        public ConcurrentDictionary<string, TimeSpan> HubReceivedAt { get; } = new();
        public Stopwatch Clock { get; } = Stopwatch.StartNew();
        public required TestMariaDb Database { get; init; }
        public required TestRedis Redis { get; init; }
        public AppProcess A { get; private set; } = null!;
        public AppProcess B { get; private set; } = null!;
        public string Token { get; private set; } = "";
        public Guid WorkspaceId { get; private set; }
        private RealtimeClients.HubClient hub = null!;
        private RealtimeClients.SseStream sse = null!;

        public IReadOnlyList<string> HubNames => [.. hubNames];
        public IReadOnlyList<string> SseNames => [.. sseNames];
        public int HubMissed => hub.Events.Count(e => e.GetProperty("name").GetString() == "realtime.missed");
        public int SseResets => sse.Events.Count(e => e.Event == "reset");

        public static async Task<Run> StartAsync()
        {
            var run = new Run { Database = TestMariaDb.NewName(), Redis = await TestRedis.StartAsync() };
            try
            {
                await run.StartAppsAsync();
                return run;
            }
            catch
            {
                await run.DisposeAsync();
                throw;
            }
        }

        private async Task StartAppsAsync()
        {
            var env = new Dictionary<string, string>(Database.AppEnvironment)
            {
                ["DB_AUTO_MIGRATE"] = "true",
                ["REALTIME_REDIS_URL"] = Redis.Url,
                ["REALTIME_REDIS_PREFIX"] = "durable" + Guid.NewGuid().ToString("N")[..6],
                ["DATA_PROTECTION_KEYS_PATH"] = AppProcess.NewWorkDir(),
                ["REALTIME_BENCH_ENDPOINTS"] = "true", // a token and saves without a browser
                ["Logging__LogLevel__App"] = "Information",
            };
            A = await AppProcess.StartAsync(env);
            B = await AppProcess.StartAsync(env); // after A: A has migrated the database
            using (var http = new HttpClient { BaseAddress = A.BaseUrl })
            {
                var response = await http.PostAsync("api/bench/token", null);
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
                Token = (await response.Content.ReadFromJsonAsync<RealtimeClients.TokenResponse>())!.Token;
            }
            hub = await RealtimeClients.ConnectHubAsync(B.BaseUrl, Token);
            hub.Connection.On<JsonElement>("event", e =>
            {
                if (e.GetProperty("name").GetString() != Changed || RealtimeClients.HubClient.PayloadName(e) is not { } name) return;
                hubNames.Enqueue(name);
                HubReceivedAt.TryAdd(name, Clock.Elapsed);
            });
            var topics = (await hub.Connection.InvokeAsync<JsonElement>("Info")).GetProperty("topics").EnumerateArray().Select(t => t.GetString()!);
            WorkspaceId = Guid.Parse(topics.Single(t => t.StartsWith("workspace:"))["workspace:".Length..]);
            var (status, stream) = await RealtimeClients.SseStream.OpenAsync(B.BaseUrl, await RealtimeClients.SseTokenAsync(B.BaseUrl, Token));
            Assert.Equal(System.Net.HttpStatusCode.OK, status);
            sse = stream!;
            _ = Task.Run(async () =>
            {
                // SSE events are parsed by the stream; collect the project names as they come.
                var seen = 0;
                while (!sse.Ended)
                {
                    var events = sse.Events;
                    for (; seen < events.Count; seen++)
                    {
                        var data = events[seen].Data;
                        if (events[seen].Event == "reset" || data.Length == 0) continue;
                        using var json = JsonDocument.Parse(data);
                        if (json.RootElement.GetProperty("name").GetString() == Changed
                            && RealtimeClients.HubClient.PayloadName(json.RootElement) is { } name) sseNames.Enqueue(name);
                    }
                    await Task.Delay(20);
                }
            });
        }

        public async Task<List<string>> CommittedNamesAsync()
        {
            await using var connection = new MySqlConnection(Database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new MySqlCommand("SELECT Name FROM Projects WHERE WorkspaceId = @w", connection);
            command.Parameters.AddWithValue("@w", WorkspaceId.ToString());
            var names = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
            return names;
        }

        public async Task WaitAllReceivedAsync(IReadOnlyCollection<string> committed, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                if (committed.All(HubNames.Contains) && committed.All(SseNames.Contains)) return;
                await Task.Delay(100);
            }
            var hubLost = committed.Except(HubNames).ToList();
            var sseLost = committed.Except(SseNames).ToList();
            Assert.Fail($"{hubLost.Count} events lost on the hub ({string.Join(", ", hubLost.Take(10))}; missed notices {HubMissed}), " +
                $"{sseLost.Count} on SSE ({string.Join(", ", sseLost.Take(10))}; resets {SseResets}) of {committed.Count}\n" +
                $"--- A ---\n{A.Tail(30)}\n--- B ---\n{B.Tail(30)}");
        }

        /// <summary>At least once for the outbox, exactly once for the client: receivers drop repeated event ids.</summary>
        public void AssertEachOnce(IReadOnlyCollection<string> committed)
        {
            Assert.Equal(committed.Order(), HubNames.Order());
            Assert.Equal(committed.Order(), SseNames.Order());
        }

        /// <summary>Every outbox row ends up dispatched (B's sweep sends what A could not).</summary>
        public async Task WaitOutboxDrainedAsync()
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            long left;
            do
            {
                await using var connection = new MySqlConnection(Database.ConnectionString);
                await connection.OpenAsync();
                await using var command = new MySqlCommand("SELECT COUNT(*) FROM OutboxMessages WHERE DispatchedAt IS NULL", connection);
                left = (long)(await command.ExecuteScalarAsync())!;
                if (left == 0) return;
                await Task.Delay(250);
            } while (DateTime.UtcNow < deadline);
            Assert.Fail($"{left} outbox rows still undispatched");
        }

        public async ValueTask DisposeAsync()
        {
            if (hub is not null) await hub.DisposeAsync();
            if (sse is not null) await sse.DisposeAsync();
            if (A is not null) await A.DisposeAsync();
            if (B is not null) await B.DisposeAsync();
            await Redis.DisposeAsync();
            await Database.DisposeAsync();
        }
    }

    /// <summary>Creates numbered projects on an instance until stopped; remembers which saves were answered 200.</summary>
    private sealed class Saver(AppProcess app, string token, Guid workspaceId, string prefix, Stopwatch clock)
    {
        private readonly ConcurrentDictionary<string, TimeSpan> savedAt = new();
        private volatile bool stopped;
        private volatile bool killing;
        private int next;

        public IReadOnlyCollection<string> Saved => [.. savedAt.Keys];

        public void Stop() => stopped = true;

        /// <summary>The app is about to be killed: a save that fails from now on may or may not have committed.</summary>
        public void Killing() => killing = true;

        public Task RunAsync(int workers, TimeSpan pause) =>
            Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
            {
                using var http = new HttpClient { BaseAddress = app.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
                http.DefaultRequestHeaders.Authorization = new("Bearer", token);
                while (!stopped)
                {
                    var name = $"{prefix}-{Interlocked.Increment(ref next):D4}";
                    try
                    {
                        var response = await http.PostAsJsonAsync("api/bench/projects", new { workspaceId, name });
                        if (response.IsSuccessStatusCode) savedAt[name] = clock.Elapsed;
                        else Assert.Fail($"save {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                    catch (Exception ex) when (killing && ex is HttpRequestException or TaskCanceledException)
                    {
                        return; // killed mid-save: the database says whether it committed
                    }
                    if (pause > TimeSpan.Zero) await Task.Delay(pause);
                }
            })));

        /// <summary>How many saves were answered between <paramref name="from"/> and <paramref name="to"/>, and the
        /// longest time from a save's answer to its arrival at the client (one clock for both).</summary>
        public (int Count, TimeSpan Lag) LagOf(ConcurrentDictionary<string, TimeSpan> receivedAt, TimeSpan from, TimeSpan to)
        {
            var window = savedAt.Where(s => s.Value >= from && s.Value < to).ToList();
            var lag = window.Select(s => receivedAt.TryGetValue(s.Key, out var at) ? at - s.Value : TimeSpan.MaxValue)
                .DefaultIfEmpty(TimeSpan.Zero).Max();
            return (window.Count, lag);
        }
    }
}
