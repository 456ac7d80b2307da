using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>Behind a proxy that breaks WebSockets, circuits fall back to long polling and stay live.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TransportFallbackTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_app_works_and_stays_live_without_WebSockets()
    {
        await using var app = await AppProcess.StartAsync();
        var writer = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(writer, "Wanda Nows");

        var reader = await browser.NewPageAsync(app.BaseUrl);
        var webSockets = 0;
        // Every WebSocket the page opens fails at once, as through a proxy that does not support them.
        await reader.RouteWebSocketAsync(new System.Text.RegularExpressions.Regex(".*"), async ws =>
        {
            Interlocked.Increment(ref webSockets);
            await ws.CloseAsync(new() { Code = 1011, Reason = "no websockets here" });
        });
        var polls = 0;
        reader.Request += (_, request) =>
        {
            if (request.Url.Contains("/_blazor?id=") && request.Method == "GET") Interlocked.Increment(ref polls);
        };
        await UserFlows.SignInAsync(reader, user);
        await reader.GotoInteractiveAsync($"/w/{user.Slug}/projects");
        await Assertions.Expect(reader.Locator("#realtime-indicator")).ToHaveAttributeAsync("data-state", "connected");

        await writer.GotoInteractiveAsync($"/w/{user.Slug}/projects");
        await ProjectFlows.CreateAsync(writer, "Polled");
        await Assertions.Expect(reader.Locator(".project-name", new() { HasText = "Polled" })).ToBeVisibleAsync(new() { Timeout = 3000 });

        // And the page itself is interactive over long polling: it can create a project too.
        await ProjectFlows.CreateAsync(reader, "Posted by poll");
        await Assertions.Expect(writer.Locator(".project-name", new() { HasText = "Posted by poll" })).ToBeVisibleAsync(new() { Timeout = 3000 });
        Assert.True(webSockets > 0, "the page tried WebSockets first");
        Assert.True(polls > 0, "the circuit used long polling");
    }
}
