using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.AspNetCore.SignalR.Client;

namespace App.E2E;

/// <summary>A burst far larger than what the transport and the sockets buffer, sent to hub clients that stop
/// reading: their events queue on the server and are written in batches (several records per write) once the
/// client reads again. A real SignalR client must still see every event, once, in order, as its own invocation.
/// (Stateful-reconnect connections are written one event per write and throttled by their ack window, ~100 KB/s
/// here: RealtimeClientsTests covers them.)</summary>
public sealed class HubBurstTests
{
    private const int Events = 3000;
    private const int PayloadBytes = 2000; // ~6 MB in all: the burst cannot fit in the pipes and socket buffers

    [Fact]
    public async Task A_burst_to_clients_that_stopped_reading_arrives_complete_and_in_order()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["REALTIME_BENCH_ENDPOINTS"] = "true" });
        try
        {
            var token = await BenchTokenAsync(app);
            await using var first = await SlowClient.ConnectAsync(app.BaseUrl, token);
            await using var second = await SlowClient.ConnectAsync(app.BaseUrl, token);

            var published = await PublishAsync(app, token);
            first.Resume();
            second.Resume();

            foreach (var client in new[] { first, second })
            {
                var received = await client.WaitForAsync(Events);
                Assert.Equal(published, received.Select(e => e.Sequence));
                Assert.Equal(Enumerable.Range(0, Events), received.Select(e => e.Seq));
            }
            Assert.DoesNotContain("to hub connection", app.Output); // no failed write was logged
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new Exception($"{ex.Message}\n--- app ---\n{app.Tail()}", ex);
        }
    }

    private sealed record Tick(long Sequence, int Seq);

    /// <summary>A SignalR client whose first <c>event</c> handler waits until <see cref="Resume"/>: the client reads
    /// nothing meanwhile, so the server's writes to it back up.</summary>
    private sealed class SlowClient : IAsyncDisposable
    {
        private readonly HubConnection connection;
        private readonly TaskCompletionSource resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<Tick> ticks = [];

        private SlowClient(HubConnection connection) => this.connection = connection;

        public static async Task<SlowClient> ConnectAsync(Uri baseUrl, string token)
        {
            var client = new SlowClient(new HubConnectionBuilder().WithUrl(new Uri(baseUrl, "hubs/realtime"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
            }).Build());
            client.connection.On<JsonElement>("event", client.OnEventAsync);
            await client.connection.StartAsync();
            return client;
        }

        private async Task OnEventAsync(JsonElement envelope)
        {
            if (envelope.GetProperty("name").GetString() != "bench.tick") return;
            await resume.Task;
            var tick = new Tick(envelope.GetProperty("sequence").GetInt64(), envelope.GetProperty("payload").GetProperty("seq").GetInt32());
            lock (ticks) ticks.Add(tick);
        }

        public void Resume() => resume.TrySetResult();

        public async Task<IReadOnlyList<Tick>> WaitForAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                lock (ticks) if (ticks.Count >= count) return ticks.ToList();
                await Task.Delay(50);
            }
            lock (ticks) throw new TimeoutException($"{ticks.Count} of {count} events arrived (state {connection.State})");
        }

        public async ValueTask DisposeAsync() => await connection.DisposeAsync();
    }

    private static async Task<string> BenchTokenAsync(AppProcess app)
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        var response = await http.PostAsync("api/bench/token", null);
        Assert.True(response.IsSuccessStatusCode, $"bench token: {(int)response.StatusCode}");
        return (await response.Content.ReadFromJsonAsync<RealtimeClients.TokenResponse>())!.Token;
    }

    /// <summary>Publishes the burst (flood) and answers the sequences in publish order.</summary>
    private static async Task<List<long>> PublishAsync(AppProcess app, string token)
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.PostAsJsonAsync("api/bench/publish", new { count = Events, rate = 0, payloadBytes = PayloadBytes, wait = true });
        Assert.True(response.IsSuccessStatusCode, $"bench publish: {(int)response.StatusCode}");
        var sent = await response.Content.ReadFromJsonAsync<JsonElement>();
        return sent.EnumerateArray().Select(s => s.GetProperty("sequence").GetInt64()).ToList();
    }
}
