using System.Net;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>A user disabled on one instance while Redis is down: the other instance cannot hear it then, but once
/// Redis is back it re-resolves its audience and ends that user's hub and SSE connections.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DisabledDuringOutageTests(BrowserFixture browser)
{
    [Fact]
    public async Task After_Redis_returns_the_other_instance_ends_the_disabled_users_connections()
    {
        await using var database = TestMariaDb.NewName();
        await using var redis = await TestRedis.StartAsync();
        var env = new Dictionary<string, string>(database.AppEnvironment)
        {
            ["DB_AUTO_MIGRATE"] = "true",
            ["REALTIME_REDIS_URL"] = redis.Url,
            ["REALTIME_REDIS_PREFIX"] = "dis" + Guid.NewGuid().ToString("N")[..6],
            ["DATA_PROTECTION_KEYS_PATH"] = AppProcess.NewWorkDir(),
            ["Logging__LogLevel__App"] = "Information",
            ["REALTIME_BENCH_ENDPOINTS"] = "true", // Bob is the bench account: a token without a second browser
            ["OPERATOR_EMAILS"] = "alice.outage@example.test",
        };
        await using var a = await AppProcess.StartAsync(env);
        await using var b = await AppProcess.StartAsync(env);
        try
        {
            var alicePage = await browser.NewPageAsync(a.BaseUrl);
            await RegisterOperatorAsync(alicePage);
            var access = await BenchAccessTokenAsync(b);
            const string bobEmail = "bench@bench.invalid";
            await using var bobHub = await RealtimeClients.ConnectHubAsync(b.BaseUrl, access);
            var hubClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            bobHub.Connection.Closed += _ => { hubClosed.TrySetResult(); return Task.CompletedTask; };
            var (status, bobSse) = await RealtimeClients.SseStream.OpenAsync(b.BaseUrl, await RealtimeClients.SseTokenAsync(b.BaseUrl, access));
            Assert.Equal(HttpStatusCode.OK, status);
            await using var _ = bobSse!;

            await redis.StopAsync();
            await WaitForRedisAsync(a, "down");
            await WaitForRedisAsync(b, "down");
            await alicePage.GotoInteractiveAsync("/console/users");
            var bobRow = alicePage.Locator("#console-users tbody tr").Filter(new() { HasText = bobEmail });
            await bobRow.Locator(".user-toggle-disabled").ClickAsync();
            await Assertions.Expect(bobRow).ToContainTextAsync("disabled");

            await redis.StartAgainAsync();
            var ended = Task.WhenAll(bobSse!.Closed, hubClosed.Task);
            Assert.True(await Task.WhenAny(ended, Task.Delay(TimeSpan.FromSeconds(20))) == ended,
                $"sse ended: {bobSse.Closed.IsCompleted}, hub closed: {hubClosed.Task.IsCompleted}");
            Assert.Equal(HubConnectionState.Disconnected, bobHub.Connection.State);
        }
        catch (Exception ex)
        {
            throw new Exception($"{ex.Message}\n--- A ---\n{a.Tail()}\n--- B ---\n{b.Tail()}", ex);
        }
    }

    private static async Task RegisterOperatorAsync(IPage page)
    {
        await page.GotoAsync("/Account/Register");
        await page.Locator("#register-name").FillAsync("Alice Outage");
        await page.Locator("#register-email").FillAsync("alice.outage@example.test");
        await page.Locator("#register-password").FillAsync(UserFlows.Password);
        await page.Locator("#register-confirm").FillAsync(UserFlows.Password);
        // Sign-up is not what is measured here: on a loaded machine it (a password hash, a workspace) can take long.
        await page.Locator("#register-submit").ClickAsync(new() { Timeout = 60_000 });
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/w/[a-z0-9-]+$"), new() { Timeout = 60_000 });
    }

    private static async Task<string> BenchAccessTokenAsync(AppProcess app)
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        var response = await http.PostAsync("api/bench/token", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<RealtimeClients.TokenResponse>(response.Content))!.Token;
    }

    private static async Task WaitForRedisAsync(AppProcess app, string state)
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var body = System.Text.Json.JsonDocument.Parse(await (await http.GetAsync("/healthz")).Content.ReadAsStringAsync()).RootElement;
            if (body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString() == state) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Redis never reported {state} on {app.BaseUrl}");
            await Task.Delay(250);
        }
    }
}
