using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace App.E2E;

/// <summary>A tab hidden for longer than REALTIME_PAUSE_HIDDEN_SECONDS pauses its circuit (the server lets it go: the
/// user leaves "Online now") and resumes when shown again, with what changed meanwhile on screen and live again.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HiddenTabTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task A_hidden_tab_lets_its_circuit_go_and_shows_what_changed_when_it_is_shown_again()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["REALTIME_PAUSE_HIDDEN_SECONDS"] = "2" });
        var olivePage = await browser.NewPageAsync(app.BaseUrl);
        var bobPage = await browser.NewPageAsync(app.BaseUrl);
        var olive = await UserFlows.RegisterAsync(olivePage, "Olive Shown");
        var bob = await UserFlows.RegisterAsync(bobPage, "Bob Hidden");
        await SharingFlows.InviteAndJoinAsync(olivePage, olive, bobPage, bob);
        await olivePage.GotoInteractiveAsync($"/w/{olive.Slug}/projects");
        var oliveSees = olivePage.Locator("#presence-online");
        await Assertions.Expect(oliveSees).ToHaveAttributeAsync("aria-label", "Online now: Bob Hidden, Olive Shown");
        var bobDot = bobPage.Locator("#realtime-indicator");
        await Assertions.Expect(bobDot).ToHaveAttributeAsync("data-state", "connected");

        // Bob switches to another tab: after 2 s hidden his circuit is paused and the server lets it go.
        await SetVisibleAsync(bobPage, false);
        await Assertions.Expect(bobDot).ToHaveAttributeAsync("data-state", "paused", new() { Timeout = 10_000 });
        await Assertions.Expect(bobDot).ToHaveAttributeAsync("title", "Paused while the tab is hidden");
        await Assertions.Expect(oliveSees).ToHaveAttributeAsync("aria-label", "Online now: Olive Shown", new() { Timeout = 5_000 });

        // Olive changes the workspace meanwhile.
        await ProjectFlows.CreateAsync(olivePage, "Made while hidden");

        // Bob comes back: the page resumes by itself, shows the change, and he is online and live again.
        await SetVisibleAsync(bobPage, true);
        await Assertions.Expect(bobPage.Locator(".project-name", new() { HasText = "Made while hidden" })).ToBeVisibleAsync();
        await Assertions.Expect(bobDot).ToHaveAttributeAsync("data-state", "connected");
        await Assertions.Expect(oliveSees).ToHaveAttributeAsync("aria-label", "Online now: Bob Hidden, Olive Shown");
        await ProjectFlows.CreateAsync(olivePage, "Made after return");
        await Assertions.Expect(bobPage.Locator(".project-name", new() { HasText = "Made after return" })).ToBeVisibleAsync(new() { Timeout = 2000 });
        Assert.EndsWith($"/w/{olive.Slug}/projects", bobPage.Url);
        output.WriteLine("hidden tab paused and resumed");
    }

    /// <summary>What switching to another tab and back does to this page (headless Chromium keeps every page visible).</summary>
    private static Task SetVisibleAsync(IPage page, bool visible) => page.EvaluateAsync(@"visible => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visible ? 'visible' : 'hidden' });
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => !visible });
        document.dispatchEvent(new Event('visibilitychange'));
    }", visible);
}
