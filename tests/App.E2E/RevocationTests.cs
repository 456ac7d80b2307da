using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace App.E2E;

/// <summary>
/// What ends a user's open realtime connections: signing out everywhere, changing the password, being disabled or
/// losing the operator role end every hub (cookie and bearer) and SSE connection of that user within 15 s, and a
/// bearer token's expiry ends the connections opened with it. A demoted operator's open console tail stops even when
/// the browser ignores the reload it is asked to do.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RevocationTests(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    internal static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);
    private const string ProjectEvent = "projects.project.changed";
    private AppProcess app = null!;

    public async Task InitializeAsync() => app = await AppProcess.StartAsync(AppEnvironment());

    private static Dictionary<string, string> AppEnvironment(params (string Key, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["REALTIME_SSE_HEARTBEAT_SECONDS"] = "1",
            ["Logging__LogLevel__App"] = "Information",
        };
        foreach (var (key, value) in extra) environment[key] = value;
        return environment;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Signing_out_everywhere_ends_every_open_hub_and_sse_connection()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(page, "Sol Signout");
        await using var clients = await OpenClientsAsync(app.BaseUrl, page, user);

        // Sign out from a static account page (the form posts to /Account/Logout).
        await page.GotoAsync("/Account/Manage");
        var clock = Stopwatch.StartNew();
        await page.Locator("#sign-out-form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(new Regex("/$"));
        await clients.WaitAllClosedAsync(clock, "sign out everywhere", output);
    }

    [Fact]
    public async Task Changing_the_password_ends_every_open_hub_and_sse_connection()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(page, "Pat Password");
        await using var clients = await OpenClientsAsync(app.BaseUrl, page, user);
        // Another tab of the same browser gets the fresh cookie too: it reloads and stays signed in.
        var sameBrowser = await page.Context.NewPageAsync();
        await sameBrowser.GotoInteractiveAsync($"/w/{user.Slug}/projects");
        var probe = sameBrowser.Locator("#realtime-probe");
        await probe.EvaluateAsync("e => e.dataset.beforeChange = 'yes'");

        const string newPassword = "Changed-Passw0rd";
        await page.GotoAsync("/Account/Manage/ChangePassword");
        await page.Locator("#password-old").FillAsync(user.Password);
        await page.Locator("#password-new").FillAsync(newPassword);
        await page.Locator("#password-confirm").FillAsync(newPassword);
        var clock = Stopwatch.StartNew();
        await page.Locator("#password-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#account-success")).ToContainTextAsync("password was changed");
        await clients.WaitAllClosedAsync(clock, "password change", output);
        await Assertions.Expect(probe).Not.ToHaveAttributeAsync("data-before-change", "yes"); // reloaded
        await sameBrowser.WaitForInteractiveAsync();
        await Task.Delay(RecheckGrace);
        Assert.EndsWith($"/w/{user.Slug}/projects", sameBrowser.Url);
        await Assertions.Expect(sameBrowser.Locator("#workspace-name")).ToHaveTextAsync("Pat Password");

        // New connections with the new credentials work.
        await using var hub = await RealtimeClients.ConnectHubAsync(app.BaseUrl,
            await RealtimeClients.AccessTokenAsync(app.BaseUrl, user with { Password = newPassword }));
        Assert.Equal(HubConnectionState.Connected, hub.Connection.State);
    }

    [Fact]
    public async Task Disabling_a_user_ends_every_open_hub_and_sse_connection()
    {
        var operatorPage = await browser.NewPageAsync(app.BaseUrl);
        await UserFlows.RegisterAsync(operatorPage, "Olive Operator");
        var page = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(page, "Dan Disabled");
        await using var clients = await OpenClientsAsync(app.BaseUrl, page, user);

        await operatorPage.GotoInteractiveAsync("/console/users");
        var row = operatorPage.Locator("#console-users tbody tr", new() { HasText = user.Email });
        var clock = Stopwatch.StartNew();
        await row.Locator(".user-toggle-disabled").ClickAsync();
        await Assertions.Expect(row.Locator(".user-toggle-disabled")).ToHaveTextAsync("Enable");
        await clients.WaitAllClosedAsync(clock, "disable", output);
    }

    [Fact]
    public async Task Revoking_operator_ends_every_open_hub_and_sse_connection()
    {
        var operatorPage = await browser.NewPageAsync(app.BaseUrl);
        await UserFlows.RegisterAsync(operatorPage, "Owen Operator");
        var page = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(page, "Dora Demoted");
        await operatorPage.GotoInteractiveAsync("/console/users");
        var row = operatorPage.Locator("#console-users tbody tr", new() { HasText = user.Email });
        await row.Locator(".user-toggle-operator").ClickAsync();
        await Assertions.Expect(row.Locator(".user-toggle-operator")).ToHaveTextAsync("Revoke operator");
        await Task.Delay(SessionRevocationSkew); // connections opened now are clearly after the grant
        await using var clients = await OpenClientsAsync(app.BaseUrl, page, user);

        var clock = Stopwatch.StartNew();
        await row.Locator(".user-toggle-operator").ClickAsync();
        await Assertions.Expect(row.Locator(".user-toggle-operator")).ToHaveTextAsync("Make operator");
        await clients.WaitAllClosedAsync(clock, "operator revoked", output);
    }

    [Fact]
    public async Task Connections_opened_with_an_access_token_end_when_it_expires()
    {
        var lifetime = TimeSpan.FromSeconds(15); // room to open the connections and see them live on a busy machine
        await app.DisposeAsync();
        app = await AppProcess.StartAsync(AppEnvironment(("REALTIME_ACCESS_TOKEN_SECONDS", lifetime.TotalSeconds.ToString())));
        var page = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(page, "Tia Token");
        var issued = Stopwatch.StartNew(); // the token is issued just after this
        // The server stamps the expiry in wall-clock time: "not before" is judged on the same clock (a VM's wall clock
        // can step by most of a second against the stopwatch's monotonic one under load; a run saw 14.2 s of 15).
        var issuedAt = DateTimeOffset.UtcNow;
        await using var clients = await OpenClientsAsync(app.BaseUrl, page, user);

        // The bearer hub and the SSE stream minted with that token end at its expiry; the cookie hub does not.
        await clients.WaitClosedAsync(issued, "token expiry (from issue)", output, lifetime + Limit, clients.BearerHub, clients.Sse);
        var closedAt = DateTimeOffset.UtcNow;
        Assert.True(closedAt - issuedAt >= lifetime - TimeSpan.FromSeconds(0.5),
            $"closed before the token expired ({closedAt - issuedAt} by the wall clock, {issued.Elapsed} by the stopwatch)");
        Assert.Equal(HubConnectionState.Connected, clients.CookieHub.Connection.State);
        await ProjectFlows.CreateAsync(page, "After expiry");
        await clients.CookieHub.WaitForAsync(e => RealtimeClients.HubClient.PayloadName(e) == "After expiry");
    }

    [Fact]
    public async Task An_open_page_signs_out_by_itself_when_its_session_expires()
    {
        var lifetime = TimeSpan.FromSeconds(20);
        await app.DisposeAsync();
        app = await AppProcess.StartAsync(AppEnvironment(("AUTH_SESSION_SECONDS", lifetime.TotalSeconds.ToString())));
        var page = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(page, "Sam Session");
        await page.GotoInteractiveAsync($"/w/{user.Slug}/projects");
        var lastRequest = Stopwatch.StartNew(); // the page and its circuit are the session's last requests
        await Assertions.Expect(page.Locator("#workspace-name")).ToHaveTextAsync("Sam Session");

        // Nobody clicks anything: the open page ends up on the sign-in page once the session has expired.
        await page.WaitForURLAsync(new Regex("/Account/Login"),
            new() { Timeout = (float)(lifetime + Limit + TimeSpan.FromSeconds(5)).TotalMilliseconds });
        output.WriteLine($"signed out {lastRequest.ElapsedMilliseconds} ms after the last request (session {lifetime.TotalSeconds} s)");
        Assert.True(lastRequest.Elapsed >= lifetime - TimeSpan.FromSeconds(1), $"signed out before the session expired ({lastRequest.Elapsed})");
        // Signed out, not a reload that kept the session: the sign-in form, not "Signed in as".
        await Assertions.Expect(page.Locator("#login-submit")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#login-signed-in")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_demoted_operator_s_open_console_tail_stops_even_if_the_browser_ignores_the_reload()
    {
        var operatorPage = await browser.NewPageAsync(app.BaseUrl);
        await UserFlows.RegisterAsync(operatorPage, "Ada Admin");
        var page = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(page, "Tom Tail");
        await operatorPage.GotoInteractiveAsync("/console/users");
        var row = operatorPage.Locator("#console-users tbody tr", new() { HasText = user.Email });
        await row.Locator(".user-toggle-operator").ClickAsync();
        await Assertions.Expect(row.Locator(".user-toggle-operator")).ToHaveTextAsync("Revoke operator");

        var pingPage = await operatorPage.Context.NewPageAsync();
        await pingPage.GotoInteractiveAsync("/console/realtime");
        await page.GotoInteractiveAsync("/console/realtime");
        await PingAsync(pingPage, "before demotion");
        await Assertions.Expect(page.Locator("#realtime-tail .tail-payload", new() { HasText = "before demotion" })).ToHaveCountAsync(1);

        // From now on this page ignores every navigation the server asks for (the reload, the redirect to sign-in), as a
        // modified client would: Blazor's navigateTo is replaced by a counter.
        await page.EvaluateAsync("() => { window.ignoredNavigations = 0; Blazor._internal.navigationManager.navigateTo = () => { window.ignoredNavigations++; }; }");
        var clock = Stopwatch.StartNew();
        await row.Locator(".user-toggle-operator").ClickAsync();
        await Assertions.Expect(row.Locator(".user-toggle-operator")).ToHaveTextAsync("Make operator");

        // The open page loses the tail within 15 s (it is signed out on the server, whatever the browser does).
        await Assertions.Expect(page.Locator("#realtime-tail")).ToHaveCountAsync(0, new() { Timeout = (int)Limit.TotalMilliseconds });
        output.WriteLine($"console tail gone after {clock.ElapsedMilliseconds} ms");
        await PingAsync(pingPage, "after demotion");
        await Assertions.Expect(pingPage.Locator("#realtime-tail .tail-payload", new() { HasText = "after demotion" })).ToHaveCountAsync(1);
        await Task.Delay(1000);
        Assert.Equal(0, await page.Locator(".tail-payload", new() { HasText = "after demotion" }).CountAsync());
        Assert.Equal(0, await page.Locator("#ping-send").CountAsync());
        Assert.True(await page.EvaluateAsync<int>("() => window.ignoredNavigations") >= 1, "the page was never asked to reload");
    }

    private static readonly TimeSpan SessionRevocationSkew = TimeSpan.FromSeconds(2.5);
    /// <summary>Longer than a circuit waits for its page to reload before re-checking its user (RealtimeNotices).</summary>
    private static readonly TimeSpan RecheckGrace = TimeSpan.FromSeconds(3);

    private static async Task PingAsync(IPage consolePage, string message)
    {
        await consolePage.Locator("#ping-message").FillAsync(message);
        await consolePage.Locator("#ping-send").ClickAsync();
        await Assertions.Expect(consolePage.Locator("#ping-message")).ToHaveValueAsync("");
    }

    /// <summary>On <paramref name="baseUrl"/>: a hub connection with the browser's cookie, one with a bearer token, and
    /// an SSE stream opened with a token minted by that bearer token; each has received a project event created on
    /// <paramref name="page"/> (they are live).</summary>
    internal static async Task<OpenClients> OpenClientsAsync(Uri baseUrl, IPage page, TestUser user)
    {
        var cookies = new CookieContainer();
        foreach (var cookie in await page.Context.CookiesAsync())
            cookies.Add(new System.Net.Cookie(cookie.Name, cookie.Value, cookie.Path, baseUrl.Host));
        var cookieHub = await ConnectWithCookiesAsync(baseUrl, cookies);
        var access = await RealtimeClients.AccessTokenAsync(baseUrl, user);
        var bearerHub = await RealtimeClients.ConnectHubAsync(baseUrl, access);
        var (status, sse) = await RealtimeClients.SseStream.OpenAsync(baseUrl, await RealtimeClients.SseTokenAsync(baseUrl, access), eventFilter: ProjectEvent);
        Assert.Equal(HttpStatusCode.OK, status);
        var clients = new OpenClients(cookieHub, bearerHub, sse!);

        var name = "Live " + Guid.NewGuid().ToString("N")[..6];
        await page.GotoInteractiveAsync($"/w/{user.Slug}/projects");
        await ProjectFlows.CreateAsync(page, name);
        await cookieHub.WaitForAsync(e => RealtimeClients.HubClient.PayloadName(e) == name);
        await bearerHub.WaitForAsync(e => RealtimeClients.HubClient.PayloadName(e) == name);
        await sse!.WaitForCountAsync(1, e => e.Data.Contains(name));
        return clients;
    }

    private static async Task<RealtimeClients.HubClient> ConnectWithCookiesAsync(Uri baseUrl, CookieContainer cookies)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, "hubs/realtime"), o => o.Cookies = cookies)
            .Build();
        var client = new RealtimeClients.HubClient(connection);
        connection.On<JsonElement>("event", e => client.Add(e));
        await connection.StartAsync();
        return client;
    }

    internal sealed record OpenClients(RealtimeClients.HubClient CookieHub, RealtimeClients.HubClient BearerHub, RealtimeClients.SseStream Sse)
        : IAsyncDisposable
    {
        public Task WaitAllClosedAsync(Stopwatch clock, string trigger, ITestOutputHelper output) =>
            WaitClosedAsync(clock, trigger, output, Limit, CookieHub, BearerHub, Sse);

        /// <summary>Waits until each of <paramref name="connections"/> has been ended by the server, at most
        /// <paramref name="limit"/> from <paramref name="clock"/>'s start, and reports how long each took.</summary>
        public async Task WaitClosedAsync(Stopwatch clock, string trigger, ITestOutputHelper output, TimeSpan limit, params object[] connections)
        {
            var pending = connections.ToDictionary(c => c, Describe);
            var times = new List<string>();
            while (pending.Count > 0 && clock.Elapsed < limit)
            {
                foreach (var (connection, name) in pending.ToList())
                    if (IsClosed(connection))
                    {
                        times.Add($"{name} {clock.ElapsedMilliseconds} ms");
                        pending.Remove(connection);
                    }
                await Task.Delay(50);
            }
            output.WriteLine($"{trigger}: {string.Join(", ", times)}");
            Assert.True(pending.Count == 0, $"{trigger}: still open after {limit.TotalSeconds} s: {string.Join(", ", pending.Values)} (closed: {string.Join(", ", times)})");
        }

        private string Describe(object connection) =>
            connection == CookieHub ? "cookie hub" : connection == BearerHub ? "bearer hub" : "SSE";

        private static bool IsClosed(object connection) => connection switch
        {
            RealtimeClients.HubClient hub => hub.Connection.State == HubConnectionState.Disconnected,
            RealtimeClients.SseStream sse => sse.Ended,
            _ => throw new ArgumentException("not a connection"),
        };

        public async ValueTask DisposeAsync()
        {
            await CookieHub.DisposeAsync();
            await BearerHub.DisposeAsync();
            await Sse.DisposeAsync();
        }
    }
}
