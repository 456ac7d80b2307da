using System.Diagnostics;
using System.Text.RegularExpressions;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>The connection as people meet it when the server goes away: the dot turns red, a readable banner says
/// when the next try is, and the page heals by itself when the server is back, keeping a half-typed dialog.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReconnectTests(BrowserFixture browser)
{
    private const string Green = "rgb(46, 125, 50)";
    private const string Red = "rgb(211, 47, 47)";

    [Fact]
    public async Task The_dot_turns_red_with_a_readable_banner_and_a_click_on_it_retries_at_once()
    {
        var workDir = AppProcess.NewWorkDir();
        var port = AppProcess.FreePort();
        var app = await AppProcess.StartAsync(port: port, workDir: workDir);
        try
        {
            var page = await browser.NewPageAsync(app.BaseUrl);
            await page.GotoInteractiveAsync("/");
            var dot = page.Locator("#realtime-indicator");
            await Assertions.Expect(dot).ToHaveAttributeAsync("data-state", "connected");
            await Assertions.Expect(dot).ToHaveAttributeAsync("title", "Connected");
            await Assertions.Expect(dot).ToHaveAttributeAsync("aria-label", "Live connection: Connected");
            Assert.Equal(Green, await DotColourAsync(page));

            var killedAt = Stopwatch.StartNew();
            app.Kill();
            await Assertions.Expect(dot).ToHaveAttributeAsync("data-state", "reconnecting", new() { Timeout = 2000 });
            Assert.True(killedAt.ElapsedMilliseconds < 2000, $"red after {killedAt.ElapsedMilliseconds} ms");
            Assert.Equal(Red, await DotColourAsync(page));
            await Assertions.Expect(dot).ToHaveAttributeAsync("title", new Regex(@"^Reconnecting \(attempt \d+\)\.\.\.$"));

            // The banner says what is happening and when the next try is, readably (it once was white on white),
            // and leaves the dot visible and clickable (no full-page overlay).
            var banner = page.Locator("#shell-reconnect-banner");
            await Assertions.Expect(banner).ToBeVisibleAsync();
            await Assertions.Expect(banner).ToContainTextAsync(new Regex(@"Connection lost\. (Next try in \d+ s|Reconnecting now)"));
            Assert.True(await ContrastAsync(banner.Locator(".reconnect-text")) >= 4.5, "banner text contrast below 4.5:1");
            Assert.True(await ContrastAsync(banner.Locator(".reconnect-retry")) >= 4.5, "retry button contrast below 4.5:1");
            await dot.HoverAsync(new() { Timeout = 2000 });

            // Back up: a click on the red dot tries at once (the next scheduled try may be many seconds away). The new
            // server does not know the old circuit, so the page reloads and connects afresh.
            await Task.Delay(8000); // the backoff is past its short first steps
            app = await AppProcess.StartAsync(port: port, workDir: workDir);
            var clickedAt = Stopwatch.StartNew();
            await dot.ClickAsync();
            await Assertions.Expect(page.Locator("#realtime-indicator")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 6000 });
            Assert.True(clickedAt.ElapsedMilliseconds < 6000, $"green {clickedAt.ElapsedMilliseconds} ms after the click");
            await Assertions.Expect(page.Locator("#shell-reconnect-banner")).ToBeHiddenAsync();
            Assert.Equal(Green, await DotColourAsync(page));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task After_150_s_down_the_dot_turns_green_by_itself_within_35_s_of_the_restart()
    {
        var workDir = AppProcess.NewWorkDir();
        var port = AppProcess.FreePort();
        var app = await AppProcess.StartAsync(port: port, workDir: workDir);
        try
        {
            var page = await browser.NewPageAsync(app.BaseUrl);
            await page.GotoInteractiveAsync("/");
            var dot = page.Locator("#realtime-indicator");
            await Assertions.Expect(dot).ToHaveAttributeAsync("data-state", "connected");

            app.Kill();
            await Assertions.Expect(dot).ToHaveAttributeAsync("data-state", "reconnecting", new() { Timeout = 2000 });
            await Task.Delay(TimeSpan.FromSeconds(150));
            // Still trying after 2.5 minutes (it used to give up after about 2), and still says when.
            await Assertions.Expect(dot).ToHaveAttributeAsync("data-state", "reconnecting");
            await Assertions.Expect(page.Locator("#shell-reconnect-banner")).ToContainTextAsync("Connection lost.");
            var attempts = await page.EvaluateAsync<int>("() => window.appRealtime.attempt");
            Assert.InRange(attempts, 6, 12); // 1, 2, 4, 8, 16, 30, 30 ... s apart: capped, not hammering

            app = await AppProcess.StartAsync(port: port, workDir: workDir);
            var restartedAt = Stopwatch.StartNew();
            // No click: the scheduled try (at most 30 s away) finds the new server, which rejects the old circuit;
            // the page reloads and connects.
            await Assertions.Expect(page.Locator("#realtime-indicator")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 35_000 });
            Assert.True(restartedAt.Elapsed < TimeSpan.FromSeconds(35), $"green {restartedAt.Elapsed.TotalSeconds:F1} s after the restart");
            await Assertions.Expect(page.Locator("#shell-reconnect-banner")).ToBeHiddenAsync();
            Assert.Equal(Green, await DotColourAsync(page));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_server_restart_keeps_what_was_typed_into_an_open_dialog()
    {
        var workDir = AppProcess.NewWorkDir();
        var port = AppProcess.FreePort();
        var app = await AppProcess.StartAsync(port: port, workDir: workDir);
        try
        {
            var page = await browser.NewPageAsync(app.BaseUrl);
            var user = await UserFlows.RegisterAsync(page, "Dora Draft");
            await page.GotoInteractiveAsync($"/w/{user.Slug}/projects");
            await page.Locator("#project-new").ClickAsync();
            await page.Locator("#project-name").PressSequentiallyAsync("Half typed");
            await page.Locator("#project-description").PressSequentiallyAsync("Not saved yet");
            await Assertions.Expect(page.Locator("#project-name")).ToHaveValueAsync("Half typed");

            app.Kill();
            await Assertions.Expect(page.Locator("#realtime-indicator")).ToHaveAttributeAsync("data-state", "reconnecting", new() { Timeout = 2000 });
            app = await AppProcess.StartAsync(port: port, workDir: workDir);

            // The next try is refused (new server), the page reloads, and the dialog is back with the input.
            await page.WaitForURLAsync($"**/w/{user.Slug}/projects", new() { WaitUntil = WaitUntilState.Load, Timeout = 35_000 });
            await Assertions.Expect(page.Locator("#realtime-indicator")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 35_000 });
            await Assertions.Expect(page.Locator("#project-name")).ToHaveValueAsync("Half typed");
            await Assertions.Expect(page.Locator("#project-description")).ToHaveValueAsync("Not saved yet");
            await Assertions.Expect(page.Locator(".mud-snackbar", new() { HasText = "unsaved input is back" })).ToBeVisibleAsync();

            // And it saves like any other.
            await page.Locator("#project-save").ClickAsync();
            await Assertions.Expect(page.Locator(".project-name", new() { HasText = "Half typed" })).ToBeVisibleAsync();
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static Task<string> DotColourAsync(IPage page) =>
        page.Locator("#realtime-indicator .realtime-dot").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");

    /// <summary>WCAG contrast ratio between an element's text colour and the nearest opaque background behind it.</summary>
    private static Task<double> ContrastAsync(ILocator element) => element.EvaluateAsync<double>("""
        e => {
            const rgb = s => s.match(/[\d.]+/g).map(Number);
            const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
            let bg = e;
            while (bg && (getComputedStyle(bg).backgroundColor === 'rgba(0, 0, 0, 0)' || getComputedStyle(bg).backgroundColor === 'transparent')) bg = bg.parentElement;
            const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(rgb(getComputedStyle(bg).backgroundColor))];
            return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        }
        """);
}
