using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>The built app in a real browser: the MudBlazor shell renders and the circuit becomes interactive.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SmokeTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_home_page_renders_the_shell_and_becomes_interactive()
    {
        await using var app = await AppProcess.StartAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);

        var response = await page.GotoAsync("/");

        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page.Locator(".mud-appbar")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-placement='shell.brand']")).ToContainTextAsync("Realtime App");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Live, multi-user");
        // MudBlazor's stylesheet really applied (not a 200 with an empty body).
        var appBarPosition = await page.Locator(".mud-appbar").EvaluateAsync<string>("e => getComputedStyle(e).position");
        Assert.Equal("fixed", appBarPosition);
    }
}
