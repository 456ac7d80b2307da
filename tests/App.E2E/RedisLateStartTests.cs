using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using App.E2E.Infrastructure;
using App.Tests.Shared;

namespace App.E2E;

/// <summary>Two instances that start while Redis is down keep retrying to read the relay stream; once Redis is up,
/// an event published on one reaches the other's clients exactly once (a failed attempt must leave nothing behind).</summary>
public sealed class RedisLateStartTests
{
    private const string RelayLog = "Logging__LogLevel__App.Realtime.Redis";

    [Fact]
    public async Task Events_cross_instances_exactly_once_when_Redis_comes_up_after_the_instances()
    {
        await using var database = TestMariaDb.NewName();
        await using var redis = TestRedis.Reserve();
        var env = new Dictionary<string, string>(database.AppEnvironment)
        {
            ["DB_AUTO_MIGRATE"] = "true",
            ["REALTIME_REDIS_URL"] = redis.Url,
            ["REALTIME_REDIS_PREFIX"] = "late" + Guid.NewGuid().ToString("N")[..6],
            ["REALTIME_BENCH_ENDPOINTS"] = "true",
            [RelayLog] = "Debug",
        };
        await using var a = await AppProcess.StartAsync(env);
        await using var b = await AppProcess.StartAsync(env);
        try
        {
            // Both have failed to read the relay stream more than twice before Redis appears.
            await WaitForAsync(() => a.Output.Contains("(attempt 3)") && b.Output.Contains("(attempt 3)"), "three failed read attempts");
            await redis.StartAgainAsync();

            var onB = await BenchTokenAsync(b);
            var onA = await BenchTokenAsync(a);
            await using var hubOnB = await RealtimeClients.ConnectHubAsync(b.BaseUrl, onB);

            // B reads on its next retry: publish on A until a tick crosses, then one more to count.
            await WaitForAsync(async () =>
            {
                var sequence = await PublishTickAsync(a, onA);
                try
                {
                    await hubOnB.WaitForAsync(e => Sequence(e) == sequence, timeoutMs: 1000);
                    return true;
                }
                catch (TimeoutException)
                {
                    return false;
                }
            }, "a tick published on A reaching B");
            var counted = await PublishTickAsync(a, onA);
            await hubOnB.WaitForAsync(e => Sequence(e) == counted);
            await Task.Delay(300);

            // Redis returning also re-resolved each instance's audience (it may have missed membership changes).
            await WaitForAsync(() => a.Output.Contains("Realtime audience re-resolved") && b.Output.Contains("Realtime audience re-resolved"),
                "the audience re-resolved on both instances");

            var ticks = hubOnB.Events.Where(e => e.GetProperty("name").GetString() == "bench.tick").Select(Sequence).ToList();
            Assert.Equal(1, ticks.Count(s => s == counted));
            Assert.Equal(ticks.Count, ticks.Distinct().Count());
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new Exception($"{ex.Message}\n--- instance A ---\n{a.Tail()}\n--- instance B ---\n{b.Tail()}", ex);
        }
    }

    private static long Sequence(JsonElement envelope) => envelope.GetProperty("sequence").GetInt64();

    private static async Task<string> BenchTokenAsync(AppProcess app)
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        var response = await http.PostAsync("api/bench/token", null);
        Assert.True(response.IsSuccessStatusCode, $"bench token: {(int)response.StatusCode}");
        return (await response.Content.ReadFromJsonAsync<RealtimeClients.TokenResponse>())!.Token;
    }

    private static async Task<long> PublishTickAsync(AppProcess app, string token)
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.PostAsJsonAsync("api/bench/publish", new { count = 1, rate = 0, payloadBytes = 0, wait = true });
        Assert.True(response.IsSuccessStatusCode, $"bench publish: {(int)response.StatusCode}");
        var sent = await response.Content.ReadFromJsonAsync<JsonElement>();
        return sent[0].GetProperty("sequence").GetInt64();
    }

    private static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}
