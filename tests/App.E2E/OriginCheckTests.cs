using System.Net;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>A page on another origin of the same site (another port here) must not open realtime connections
/// with the visitor's cookie: the hub, SSE and Blazor's circuit hub refuse foreign origins with 403.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OriginCheckTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_page_on_another_port_cannot_open_the_hub_with_the_visitors_cookie()
    {
        await using var app = await AppProcess.StartAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await UserFlows.RegisterAsync(page, "Olive Origin");
        var hub = $"ws://127.0.0.1:{app.Port}/hubs/realtime";

        // The app's own page opens the hub with the cookie (so the refusal below is about the origin, not the test).
        Assert.Equal("open", await OpenWebSocketAsync(page, hub));

        // The same browser (same cookies) on another port of the same host: refused.
        var evilOrigin = $"http://127.0.0.1:{AppProcess.FreePort()}";
        await page.Context.RouteAsync(evilOrigin + "/**", route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<p>elsewhere</p>" }));
        var evil = await page.Context.NewPageAsync();
        await evil.GotoAsync(evilOrigin + "/");
        Assert.Equal("refused", await OpenWebSocketAsync(evil, hub));

        // Server side, with the visitor's cookie: the hub's negotiate answers 403 to a foreign Origin, 200 to the app's own.
        // No cookie container: the cookie goes only where a request names it (a renewed cookie must not stick).
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = app.BaseUrl };
        var cookie = string.Join("; ", (await page.Context.CookiesAsync()).Select(c => $"{c.Name}={c.Value}"));
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Post, "hubs/realtime/negotiate?negotiateVersion=1", evilOrigin, cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, HttpMethod.Post, "hubs/realtime/negotiate?negotiateVersion=1", app.BaseUrl.ToString().TrimEnd('/'), cookie)).StatusCode);
        // SSE and the circuit hub too; without an Origin (non-browser clients) the usual authentication decides.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Post, "hubs/realtime/negotiate?negotiateVersion=1", evilOrigin)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Get, "api/realtime/events", evilOrigin)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Post, "_blazor/negotiate?negotiateVersion=1", evilOrigin)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Post, "hubs/realtime/negotiate?negotiateVersion=1", "null")).StatusCode);
        var problem = await SendAsync(http, HttpMethod.Post, "hubs/realtime/negotiate?negotiateVersion=1", evilOrigin);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, HttpMethod.Post, "_blazor/negotiate?negotiateVersion=1", app.BaseUrl.ToString().TrimEnd('/'))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Post, "hubs/realtime/negotiate?negotiateVersion=1", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Get, "api/realtime/events", null)).StatusCode);
    }

    [Fact]
    public async Task Configured_origins_are_allowed_and_bad_ones_stop_startup()
    {
        var partner = $"http://127.0.0.1:{AppProcess.FreePort()}";
        await using (var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["REALTIME_ALLOWED_ORIGINS"] = $"https://other.example, {partner}" }))
        {
            using var http = new HttpClient { BaseAddress = app.BaseUrl };
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, HttpMethod.Post, "_blazor/negotiate?negotiateVersion=1", partner)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Post, "_blazor/negotiate?negotiateVersion=1", "http://127.0.0.1:1")).StatusCode);
        }

        var (exitCode, output) = await AppProcess.RunToExitAsync(new Dictionary<string, string> { ["REALTIME_ALLOWED_ORIGINS"] = "app.example.com" });
        Assert.NotEqual(0, exitCode);
        Assert.Contains("REALTIME_ALLOWED_ORIGINS contains 'app.example.com', which is not an origin", output);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? origin, string? cookie = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>Opens a WebSocket from the page's own script, as an attacker's page would: "open" or "refused".</summary>
    private static Task<string> OpenWebSocketAsync(IPage page, string url) =>
        page.EvaluateAsync<string>("""
            url => new Promise(resolve => {
                const socket = new WebSocket(url);
                socket.onopen = () => { socket.close(); resolve("open"); };
                socket.onerror = () => resolve("refused");
                setTimeout(() => resolve("timeout"), 5000);
            })
            """, url);
}
