using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace App.E2E.Infrastructure;

/// <summary>Non-browser clients of the realtime API: token endpoints, the SignalR hub, and SSE.</summary>
public static class RealtimeClients
{
    public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt);

    public static async Task<string> AccessTokenAsync(Uri baseUrl, TestUser user)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        var response = await http.PostAsJsonAsync("api/auth/token", new { email = user.Email, password = user.Password });
        Assert.True(response.IsSuccessStatusCode, $"token: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!.Token;
    }

    public static async Task<string> SseTokenAsync(Uri baseUrl, string accessToken)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        http.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
        var response = await http.PostAsync("api/realtime/sse-token", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!.Token;
    }

    /// <summary>A hub connection that records every event it receives.</summary>
    public static async Task<HubClient> ConnectHubAsync(Uri baseUrl, string accessToken, HttpTransportType transport = HttpTransportType.WebSockets)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, "hubs/realtime"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                o.Transports = transport;
            })
            .WithStatefulReconnect()
            .Build();
        var client = new HubClient(connection);
        connection.On<JsonElement>("event", e => client.Add(e));
        await connection.StartAsync();
        return client;
    }

    public sealed class HubClient(HubConnection connection) : IAsyncDisposable
    {
        private readonly List<JsonElement> events = [];
        public HubConnection Connection { get; } = connection;

        public IReadOnlyList<JsonElement> Events
        {
            get { lock (events) return events.ToList(); }
        }

        public void Add(JsonElement e)
        {
            lock (events) events.Add(e.Clone());
        }

        /// <summary>The payload's <c>name</c>, or null (a missed-events notice has none).</summary>
        public static string? PayloadName(JsonElement e) =>
            e.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object
                && payload.TryGetProperty("name", out var name) ? name.GetString() : null;

        public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, int timeoutMs = 5000)
        {
            var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
            while (DateTime.UtcNow < deadline)
            {
                var found = Events.FirstOrDefault(match);
                if (found.ValueKind != JsonValueKind.Undefined) return found;
                await Task.Delay(25);
            }
            throw new TimeoutException($"hub event not received; got: {string.Join(" | ", Events.Select(e => e.GetProperty("name").GetString()))}");
        }

        public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
    }

    public sealed record SseEvent(string? Id, string? Event, string Data);

    /// <summary>An open text/event-stream, parsed line by line (comments counted separately).</summary>
    public sealed class SseStream : IAsyncDisposable
    {
        private readonly HttpClient http;
        private readonly HttpResponseMessage response;
        private readonly StreamReader reader;
        private readonly List<SseEvent> events = [];
        private readonly Task pump;
        private readonly CancellationTokenSource stop = new();

        private SseStream(HttpClient http, HttpResponseMessage response, StreamReader reader)
        {
            this.http = http;
            this.response = response;
            this.reader = reader;
            pump = Task.Run(ReadAsync);
        }

        public HttpResponseMessage Response => response;
        /// <summary>Completes when the server ends the stream (or it is disposed).</summary>
        public Task Closed => pump;
        public int Comments { get; private set; }
        /// <summary>The server ended the stream (or it failed).</summary>
        public bool Ended => pump.IsCompleted;

        public IReadOnlyList<SseEvent> Events
        {
            get { lock (events) return events.ToList(); }
        }

        public static async Task<(HttpStatusCode Status, SseStream? Stream)> OpenAsync(Uri baseUrl, string? token,
            string? lastEventId = null, string? eventFilter = null)
        {
            var http = new HttpClient { BaseAddress = baseUrl, Timeout = Timeout.InfiniteTimeSpan };
            var query = new StringBuilder("api/realtime/events?");
            if (token is not null) query.Append("token=").Append(Uri.EscapeDataString(token));
            if (eventFilter is not null) query.Append("&event=").Append(Uri.EscapeDataString(eventFilter));
            var request = new HttpRequestMessage(HttpMethod.Get, query.ToString());
            if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var status = response.StatusCode;
                response.Dispose();
                http.Dispose();
                return (status, null);
            }
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            return (HttpStatusCode.OK, new SseStream(http, response, reader));
        }

        private async Task ReadAsync()
        {
            string? id = null, name = null;
            var data = new StringBuilder();
            try
            {
                while (!stop.IsCancellationRequested && await reader.ReadLineAsync(stop.Token) is { } line)
                {
                    if (line.Length == 0)
                    {
                        if (data.Length > 0 || name is not null)
                            lock (events) events.Add(new SseEvent(id, name, data.ToString()));
                        id = name = null;
                        data.Clear();
                    }
                    else if (line.StartsWith(':')) Comments++;
                    else if (line.StartsWith("id: ")) id = line[4..];
                    else if (line.StartsWith("event: ")) name = line[7..];
                    else if (line.StartsWith("data: ")) data.Append(line[6..]);
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
            }
            catch (IOException)
            {
            }
        }

        public async Task<IReadOnlyList<SseEvent>> WaitForCountAsync(int count, Func<SseEvent, bool>? match = null, int timeoutMs = 5000)
        {
            var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
            while (DateTime.UtcNow < deadline)
            {
                var found = Events.Where(match ?? (_ => true)).ToList();
                if (found.Count >= count) return found;
                await Task.Delay(25);
            }
            throw new TimeoutException($"expected {count} SSE events, got: {string.Join(" | ", Events.Select(e => $"{e.Id} {e.Event}"))}");
        }

        public async ValueTask DisposeAsync()
        {
            stop.Cancel();
            response.Dispose();
            http.Dispose();
            try { await pump.WaitAsync(TimeSpan.FromSeconds(2)); } catch (Exception) { }
        }
    }
}
