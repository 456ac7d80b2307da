using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>Realtime on a page with its own layout (the projects wall, outside the shell): handlers subscribed
/// through the service run on the circuit's dispatcher there too.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OtherLayoutTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_projects_wall_outside_the_shell_shows_another_tabs_changes_live()
    {
        await using var app = await AppProcess.StartAsync();
        var editor = await browser.NewPageAsync(app.BaseUrl);
        var owner = await UserFlows.RegisterAsync(editor, "Wall Owner");
        await editor.GotoInteractiveAsync($"/w/{owner.Slug}/projects");

        // A second tab of the same signed-in session.
        var wall = await editor.Context.NewPageAsync();
        await wall.GotoInteractiveAsync($"/w/{owner.Slug}/wall");
        await Assertions.Expect(wall.Locator(".wall-title")).ToBeVisibleAsync();
        Assert.Equal(0, await wall.Locator("header.mud-appbar").CountAsync()); // really outside the shell

        await ProjectFlows.CreateAsync(editor, "Seen on the wall");

        await Assertions.Expect(wall.Locator(".wall-project-name", new() { HasText = "Seen on the wall" })).ToBeVisibleAsync(new() { Timeout = 5_000 });

        // What the wall looks like, for a person to check (kept with the test results, as the page sweep's are).
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults", "wall");
        Directory.CreateDirectory(folder);
        foreach (var (width, height) in new[] { (1366, 800), (390, 844) })
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                await wall.SetViewportSizeAsync(width, height);
                await wall.EmulateMediaAsync(new() { ColorScheme = scheme });
                await wall.ScreenshotAsync(new() { Path = Path.Combine(folder, $"wall-{width}x{height}-{scheme}.png".ToLowerInvariant()) });
            }
    }
}
