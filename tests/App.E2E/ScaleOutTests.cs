using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>Two app instances on two ports sharing MariaDB and Redis, as a load balancer would spread users.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ScaleOutTests(BrowserFixture browser)
{
    [Fact]
    public async Task Events_cross_instances_through_Redis_survive_a_Redis_outage_and_resume()
    {
        AppProcess? a = null, b = null;
        try
        {
            await RunAsync(started => (a, b) = started);
        }
        catch (Exception ex) when (a is not null && b is not null)
        {
            throw new Exception($"{ex.Message}\n--- instance A ---\n{a.Tail()}\n--- instance B ---\n{b.Tail()}", ex);
        }
    }

    private async Task RunAsync(Action<(AppProcess, AppProcess)> started)
    {
        await using var database = TestMariaDb.NewName();
        await using var redis = await TestRedis.StartAsync();
        var keys = AppProcess.NewWorkDir();
        var env = new Dictionary<string, string>(database.AppEnvironment)
        {
            ["DB_AUTO_MIGRATE"] = "true",
            ["REALTIME_REDIS_URL"] = redis.Url,
            ["REALTIME_REDIS_PREFIX"] = "e2e" + Guid.NewGuid().ToString("N")[..6],
            ["DATA_PROTECTION_KEYS_PATH"] = keys,
            // Enough of the app's own log to explain a failure (the tails are printed only then).
            ["Logging__LogLevel__App"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore.Components.Server"] = "Information",
        };
        await using var instanceA = await AppProcess.StartAsync(env);
        await using var instanceB = await AppProcess.StartAsync(env);
        started((instanceA, instanceB));

        var alicePage = await browser.NewPageAsync(instanceA.BaseUrl);
        var bobPage = await browser.NewPageAsync(instanceB.BaseUrl);
        var carolPage = await browser.NewPageAsync(instanceB.BaseUrl);
        var alice = await UserFlows.RegisterAsync(alicePage, "Alice Scale");       // operator, on A
        var bob = await UserFlows.RegisterAsync(bobPage, "Bob Scale");             // on B
        var carol = await UserFlows.RegisterAsync(carolPage, "Carol Scale");       // on B, not a member
        var operatorConsole = await alicePage.Context.NewPageAsync();
        await UserFlows.AddMemberAsync(operatorConsole, alice.Slug, bob);
        await alicePage.GotoInteractiveAsync($"/w/{alice.Slug}/projects");
        await bobPage.GotoInteractiveAsync($"/w/{alice.Slug}/projects");
        await using var bobHubOnB = await RealtimeClients.ConnectHubAsync(instanceB.BaseUrl, await RealtimeClients.AccessTokenAsync(instanceB.BaseUrl, bob));
        // Operator's tail on instance B shows what crossed over.
        var tailOnB = await browser.NewPageAsync(instanceB.BaseUrl);
        await UserFlows.SignInAsync(tailOnB, alice);
        await tailOnB.GotoInteractiveAsync("/console/realtime");

        // A change on instance A appears live on instance B, once.
        await ProjectFlows.CreateAsync(alicePage, "Crossing");
        await Assertions.Expect(bobPage.Locator(".project-name", new() { HasText = "Crossing" })).ToBeVisibleAsync(new() { Timeout = 2000 });
        await Assertions.Expect(bobPage.Locator(".project-name", new() { HasText = "Crossing" })).ToHaveCountAsync(1);
        await bobHubOnB.WaitForAsync(e => RealtimeClients.HubClient.PayloadName(e) == "Crossing");
        await Assertions.Expect(tailOnB.Locator("#realtime-tail tbody tr", new() { HasText = "projects.project.changed" })).ToHaveCountAsync(1);
        await Task.Delay(300);
        Assert.Single(bobHubOnB.Events, e => e.GetProperty("name").GetString() == "projects.project.changed");
        await Assertions.Expect(carolPage.Locator("#realtime-probe")).ToHaveAttributeAsync("data-received", "0");

        // Redis goes away: both instances keep serving pages and their own clients; health says Redis is down.
        await redis.StopAsync();
        foreach (var instance in new[] { instanceA, instanceB })
        {
            using var http = new HttpClient { BaseAddress = instance.BaseUrl };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
            var health = await WaitForHealthAsync(http, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("down", health.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
            Assert.Equal("up", health.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        }
        await ProjectFlows.CreateAsync(alicePage, "During outage 1");
        await ProjectFlows.CreateAsync(alicePage, "During outage 2");
        var localClient = await browser.NewPageAsync(instanceA.BaseUrl);
        await UserFlows.SignInAsync(localClient, bob);
        await localClient.GotoInteractiveAsync($"/w/{alice.Slug}/projects");
        // A hub client connecting during the outage is accepted and gets local events.
        await using var bobHubDuringOutage = await RealtimeClients.ConnectHubAsync(instanceA.BaseUrl, await RealtimeClients.AccessTokenAsync(instanceA.BaseUrl, bob));
        await ProjectFlows.CreateAsync(alicePage, "Local during outage");
        await Assertions.Expect(localClient.Locator(".project-name", new() { HasText = "Local during outage" })).ToBeVisibleAsync(new() { Timeout = 2000 });
        await bobHubDuringOutage.WaitForAsync(e => RealtimeClients.HubClient.PayloadName(e) == "Local during outage");

        // Redis is back: both instances reconnect by themselves and cross-instance delivery resumes.
        await redis.StartAgainAsync();
        foreach (var instance in new[] { instanceA, instanceB })
        {
            using var http = new HttpClient { BaseAddress = instance.BaseUrl };
            await WaitForHealthAsync(http, HttpStatusCode.OK);
        }
        await bobPage.ReloadAsync();
        await bobPage.WaitForInteractiveAsync();
        await ProjectFlows.CreateAsync(alicePage, "After outage");
        await Assertions.Expect(bobPage.Locator(".project-name", new() { HasText = "After outage" })).ToBeVisibleAsync(new() { Timeout = 3000 });
        await bobHubOnB.WaitForAsync(e => RealtimeClients.HubClient.PayloadName(e) == "After outage");
        // Events published on A during the outage never crossed: B's hub client was told so, to reload.
        await bobHubOnB.WaitForAsync(e => e.GetProperty("name").GetString() == "realtime.missed");

        // The outage was logged once per instance, not once per event (presence logs its own store outage apart).
        Assert.Single(Regex.Matches(instanceA.Output, "is unreachable"));
        Assert.Single(Regex.Matches(instanceA.Output, "is reachable again: cross-instance realtime delivery resumed"));
        Assert.Single(Regex.Matches(instanceB.Output, "is unreachable"));
    }

    private static async Task<JsonElement> WaitForHealthAsync(HttpClient http, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var response = await http.GetAsync("/healthz");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            if (response.StatusCode == expected) return body;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"/healthz stayed {(int)response.StatusCode}: {body}");
            await Task.Delay(250);
        }
    }
}
