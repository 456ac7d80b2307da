using System.Net.Http.Json;
using System.Text.Json;
using App.Tests.Shared;

namespace CircuitLoad.Headless;

/// <summary>
/// The app a headless run drives: started here (its own SQLite database, bench endpoints on, and the limits a run
/// exceeds by design lifted: one bench user holds a workspace's 100 circuits, one address signs up every user; see
/// docs/operations.md) unless <c>--url</c> names a running one. Holds the run's two HTTP clients: pages and forms
/// (each virtual tab sends its own cookie) and the bench endpoints (bearer token).
/// </summary>
internal sealed class BenchTarget : IAsyncDisposable
{
    private BenchTarget(AppProcess? app, Uri baseUrl, HttpClient http, HttpClient bench)
    {
        App = app;
        BaseUrl = baseUrl;
        Http = http;
        Bench = bench;
    }

    /// <summary>The app this run started; null with <c>--url</c>.</summary>
    public AppProcess? App { get; }
    public Uri BaseUrl { get; }
    public HttpClient Http { get; }
    public HttpClient Bench { get; }

    public static async Task<BenchTarget> StartAsync(string? url)
    {
        var app = url is null
            ? await AppProcess.StartAsync(new Dictionary<string, string>
            {
                ["REALTIME_BENCH_ENDPOINTS"] = "true",
                ["RATE_LIMIT_CIRCUITS_PER_USER"] = "100000", ["RATE_LIMIT_CONNECTIONS_PER_USER"] = "100000",
                ["RATE_LIMIT_SIGN_UP_PER_IP"] = "100000/1h", ["RATE_LIMIT_SIGN_IN_PER_IP"] = "100000/1m",
            })
            : null;
        var baseUrl = app?.BaseUrl ?? new Uri(url!.TrimEnd('/') + "/");
        var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 256 })
        {
            BaseAddress = baseUrl,
            Timeout = TimeSpan.FromMinutes(5),
        };
        var token = (await (await http.PostAsync("api/bench/token", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        var bench = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
        bench.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return new BenchTarget(app, baseUrl, http, bench);
    }

    /// <summary>Signs up enough users for <paramref name="circuits"/> tabs, <paramref name="perWorkspace"/> per user
    /// (each user has one workspace), through the real registration form.</summary>
    public async Task<BenchUser[]> RegisterUsersAsync(int circuits, int perWorkspace, string emailPrefix)
    {
        var workspaces = Math.Max(1, (circuits + perWorkspace - 1) / perWorkspace);
        HeadlessRun.Log($"registering {workspaces} users (one workspace each) through the sign-up form");
        var run = Guid.NewGuid().ToString("N")[..8];
        var users = new BenchUser[workspaces];
        await Parallel.ForAsync(0, workspaces, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
            users[i] = await BenchAccounts.RegisterAsync(BaseUrl, $"{emailPrefix}.{run}.{i}@bench.invalid", ct));
        return users;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Bench.Dispose();
        if (App is not null) await App.DisposeAsync();
    }
}
