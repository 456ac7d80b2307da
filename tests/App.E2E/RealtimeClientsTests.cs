using System.Net;
using System.Text.Json;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>The same scoped events for clients that are not Blazor circuits: the SignalR hub and SSE.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RealtimeClientsTests(BrowserFixture browser) : IAsyncLifetime
{
    private AppProcess app = null!;

    public async Task InitializeAsync() => app = await AppProcess.StartAsync(AppEnvironment());

    /// <summary>Verbose logging, to check that no token ever reaches the log, plus <paramref name="logging"/>.</summary>
    private static Dictionary<string, string> AppEnvironment(params (string Key, string Value)[] logging)
    {
        var environment = new Dictionary<string, string>
        {
            ["REALTIME_SSE_HEARTBEAT_SECONDS"] = "1",
            ["REALTIME_SSE_TOKEN_SECONDS"] = "3",
            ["JOBS_STEP_DELAY_MS"] = "150",
            ["Logging__LogLevel__Default"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
        };
        foreach (var (key, value) in logging) environment[key] = value;
        return environment;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Hub_clients_get_their_workspace_events_and_not_others_and_anonymous_is_refused()
    {
        var alicePage = await browser.NewPageAsync(app.BaseUrl);
        var carolPage = await browser.NewPageAsync(app.BaseUrl);
        var alice = await UserFlows.RegisterAsync(alicePage, "Alice Hub");
        var carol = await UserFlows.RegisterAsync(carolPage, "Carol Hub");

        // Anonymous, forged and garbage tokens are refused with 401.
        var anonymous = await Assert.ThrowsAsync<HttpRequestException>(() => RealtimeClients.ConnectHubAsync(app.BaseUrl, ""));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var forged = await Assert.ThrowsAsync<HttpRequestException>(() => RealtimeClients.ConnectHubAsync(app.BaseUrl, "CfDJ8forged"));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        using (var http = new HttpClient { BaseAddress = app.BaseUrl })
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("hubs/realtime/negotiate?negotiateVersion=1", null)).StatusCode);

        await using var aliceHub = await RealtimeClients.ConnectHubAsync(app.BaseUrl, await RealtimeClients.AccessTokenAsync(app.BaseUrl, alice));
        await using var alicePolling = await RealtimeClients.ConnectHubAsync(app.BaseUrl, await RealtimeClients.AccessTokenAsync(app.BaseUrl, alice), HttpTransportType.LongPolling);
        await using var carolHub = await RealtimeClients.ConnectHubAsync(app.BaseUrl, await RealtimeClients.AccessTokenAsync(app.BaseUrl, carol));
        var info = await aliceHub.Connection.InvokeAsync<JsonElement>("Info");
        Assert.Contains(info.GetProperty("topics").EnumerateArray(), s => s.GetString()!.StartsWith("workspace:"));

        await alicePage.GotoInteractiveAsync($"/w/{alice.Slug}/projects");
        await ProjectFlows.CreateAsync(alicePage, "Hubble");

        var received = await aliceHub.WaitForAsync(e => e.GetProperty("name").GetString() == "projects.project.changed");
        Assert.Equal("Created", received.GetProperty("operation").GetString());
        Assert.Equal("Hubble", received.GetProperty("payload").GetProperty("name").GetString());
        Assert.StartsWith("workspace:", received.GetProperty("topic").GetString());
        // The relay's instance and trace context stay on the server.
        Assert.False(received.TryGetProperty("instance", out _));
        Assert.False(received.TryGetProperty("traceParent", out _));
        await alicePolling.WaitForAsync(e => e.GetProperty("name").GetString() == "projects.project.changed");
        // Carol's connection was open the whole time and received nothing of Alice's workspace.
        await Task.Delay(300);
        Assert.DoesNotContain(carolHub.Events, e => e.GetProperty("name").GetString() == "projects.project.changed");
    }

    [Theory]
    [InlineData("")] // the class's app: provider-less rules at Trace
    // Provider-specific rules beat provider-less ones: they must not bring the request line (and its token) back.
    [InlineData("Logging__Console__LogLevel__Default")]
    [InlineData("Logging__Console__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics")]
    public async Task Sse_tokens_are_single_use_expire_and_cannot_be_forged_and_are_never_logged(string consoleRule)
    {
        if (consoleRule.Length > 0)
        {
            await app.DisposeAsync();
            app = await AppProcess.StartAsync(AppEnvironment((consoleRule, "Information")));
        }
        var page = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(page, "Sam Sse");
        var access = await RealtimeClients.AccessTokenAsync(app.BaseUrl, user);

        var token = await RealtimeClients.SseTokenAsync(app.BaseUrl, access);
        var (status, stream) = await RealtimeClients.SseStream.OpenAsync(app.BaseUrl, token);
        Assert.Equal(HttpStatusCode.OK, status);
        await using (stream)
        {
            Assert.Equal("text/event-stream", stream!.Response.Content.Headers.ContentType!.MediaType);
            Assert.True(stream.Response.Headers.CacheControl!.NoCache);
            // A heartbeat comment arrives (1 s here, 15 s by default).
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (stream.Comments == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.True(stream.Comments > 0, "no heartbeat");
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await RealtimeClients.SseStream.OpenAsync(app.BaseUrl, token)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RealtimeClients.SseStream.OpenAsync(app.BaseUrl, null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RealtimeClients.SseStream.OpenAsync(app.BaseUrl, token[..^4] + "AAAA")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RealtimeClients.SseStream.OpenAsync(app.BaseUrl, access)).Status);
        var expiring = await RealtimeClients.SseTokenAsync(app.BaseUrl, access);
        await Task.Delay(3500);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RealtimeClients.SseStream.OpenAsync(app.BaseUrl, expiring)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await RealtimeClients.SseStream.OpenAsync(app.BaseUrl,
            await RealtimeClients.SseTokenAsync(app.BaseUrl, access), eventFilter: "Not An Event")).Status);
        using (var http = new HttpClient { BaseAddress = app.BaseUrl })
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("api/realtime/sse-token", null)).StatusCode);

        // Browser hub clients send the access token in the query string.
        using (var http = new HttpClient { BaseAddress = app.BaseUrl })
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"hubs/realtime/negotiate?negotiateVersion=1&access_token={Uri.EscapeDataString(access)}", null)).StatusCode);

        Assert.DoesNotContain(token, app.Output);
        Assert.DoesNotContain(expiring, app.Output);
        Assert.DoesNotContain(access, app.Output);
        Assert.DoesNotContain(Uri.EscapeDataString(access), app.Output);
    }

    [Fact]
    public async Task Sse_resumes_from_Last_Event_ID_with_no_gap_and_no_duplicate_and_resets_when_too_old()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(page, "Rita Resume");
        var access = await RealtimeClients.AccessTokenAsync(app.BaseUrl, user);
        await page.GotoInteractiveAsync($"/w/{user.Slug}/projects");
        const string projectEvent = "projects.project.changed";

        var (_, first) = await RealtimeClients.SseStream.OpenAsync(app.BaseUrl, await RealtimeClients.SseTokenAsync(app.BaseUrl, access), eventFilter: projectEvent);
        await ProjectFlows.CreateAsync(page, "One");
        await ProjectFlows.CreateAsync(page, "Two");
        var seen = await first!.WaitForCountAsync(2);
        await first.DisposeAsync();
        var lastId = seen[^1].Id!;

        // While disconnected.
        await ProjectFlows.CreateAsync(page, "Three");
        await ProjectFlows.CreateAsync(page, "Four");

        var (_, resumed) = await RealtimeClients.SseStream.OpenAsync(app.BaseUrl, await RealtimeClients.SseTokenAsync(app.BaseUrl, access),
            lastEventId: lastId, eventFilter: projectEvent);
        await using (resumed)
        {
            await ProjectFlows.CreateAsync(page, "Five");
            var events = await resumed!.WaitForCountAsync(3);
            await Task.Delay(300);
            events = resumed.Events;
            Assert.Equal(["Three", "Four", "Five"], events.Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("payload").GetProperty("name").GetString()));
            var ids = events.Select(e => long.Parse(e.Id!)).ToList();
            Assert.Equal(ids.Order().Distinct(), ids);
            Assert.True(ids[0] > long.Parse(lastId));
            Assert.All(events, e => Assert.Equal(projectEvent, e.Event));
            Assert.All(events, e => Assert.DoesNotContain("\"instance\"", e.Data));
        }

        // An id from before this server started cannot be resumed: the client is told to reload.
        var (_, stale) = await RealtimeClients.SseStream.OpenAsync(app.BaseUrl, await RealtimeClients.SseTokenAsync(app.BaseUrl, access), lastEventId: "1");
        await using (stale)
        {
            var reset = await stale!.WaitForCountAsync(1);
            Assert.Equal("reset", reset[0].Event);
        }
    }

    [Fact]
    public async Task Job_progress_reaches_the_page_and_an_sse_client_and_the_export_downloads()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(page, "Jo Jobs");
        await page.GotoInteractiveAsync($"/w/{user.Slug}/projects");
        foreach (var name in new[] { "Alpha", "Beta", "=SUM(A1)" }) await ProjectFlows.CreateAsync(page, name);
        var access = await RealtimeClients.AccessTokenAsync(app.BaseUrl, user);
        var (_, sse) = await RealtimeClients.SseStream.OpenAsync(app.BaseUrl, await RealtimeClients.SseTokenAsync(app.BaseUrl, access), eventFilter: "jobs.job.progress");
        await using var hub = await RealtimeClients.ConnectHubAsync(app.BaseUrl, access);

        await page.Locator("#project-export").ClickAsync();
        var panel = page.Locator(".job-panel");
        await Assertions.Expect(panel).ToHaveAttributeAsync("data-state", "Running");
        await Assertions.Expect(panel).ToHaveAttributeAsync("data-state", "Done", new() { Timeout = 15_000 });
        await Assertions.Expect(panel.Locator(".job-message")).ToContainTextAsync("100%");

        await using (sse)
        {
            var progress = await sse!.WaitForCountAsync(1, e => e.Data.Contains("\"state\":\"Done\""), 10_000);
            var states = sse.Events.Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("payload").GetProperty("percent").GetInt32()).ToList();
            Assert.True(states.Count >= 4, $"progress events: {states.Count}");
            Assert.Equal(100, states[^1]);
        }
        await hub.WaitForAsync(e => e.GetProperty("name").GetString() == "jobs.job.progress");

        var href = await panel.Locator(".job-download").GetAttributeAsync("href");
        var download = await page.Context.APIRequest.GetAsync(href!);
        Assert.Equal(200, download.Status);
        var csv = await download.TextAsync();
        Assert.Contains("Alpha", csv);
        Assert.Contains("'=SUM(A1)", csv);
        // Someone else cannot download it.
        var other = await browser.NewPageAsync(app.BaseUrl);
        await UserFlows.RegisterAsync(other, "Nosy Neighbour");
        Assert.Equal(404, (await other.Context.APIRequest.GetAsync(href!)).Status);
    }
}
