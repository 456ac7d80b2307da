using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using App.E2E.Infrastructure;
using App.Tests.Shared;

namespace App.E2E;

/// <summary>SSE tokens stay single-use while Redis is down: no instance can check that the token was not used on
/// another, so every instance refuses with 503 and Retry-After (fail closed) instead of accepting it.</summary>
public sealed class SseTokenOutageTests
{
    [Fact]
    public async Task With_Redis_down_SSE_tokens_are_refused_with_503_and_work_once_it_is_back()
    {
        await using var redis = await TestRedis.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["REALTIME_REDIS_URL"] = redis.Url,
            ["REALTIME_REDIS_PREFIX"] = "tok" + Guid.NewGuid().ToString("N")[..6],
            ["REALTIME_BENCH_ENDPOINTS"] = "true", // a user's access token without a browser
        });
        var access = await BenchAccessTokenAsync(app);

        var beforeOutage = await RealtimeClients.SseTokenAsync(app.BaseUrl, access);
        await redis.StopAsync();
        var duringOutage = await RealtimeClients.SseTokenAsync(app.BaseUrl, access); // minting needs no Redis

        foreach (var token in new[] { duringOutage, duringOutage, beforeOutage })
        {
            using var refused = await OpenSseAsync(app, token);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("Redis is unreachable", problem.GetProperty("detail").GetString());
        }

        // Back: the refused token was never counted as used, so it works once, and only once.
        await redis.StartAgainAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpResponseMessage first;
        while ((first = await OpenSseAsync(app, duringOutage)).StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
        {
            first.Dispose();
            await Task.Delay(250);
        }
        using (first) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await OpenSseAsync(app, duringOutage);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
    }

    private static async Task<string> BenchAccessTokenAsync(AppProcess app)
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        var response = await http.PostAsync("api/bench/token", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<RealtimeClients.TokenResponse>())!.Token;
    }

    private static async Task<HttpResponseMessage> OpenSseAsync(AppProcess app, string token)
    {
        var http = new HttpClient { BaseAddress = app.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetAsync("api/realtime/events?token=" + Uri.EscapeDataString(token), HttpCompletionOption.ResponseHeadersRead);
    }
}
