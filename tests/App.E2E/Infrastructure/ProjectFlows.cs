using Microsoft.Playwright;

namespace App.E2E.Infrastructure;

public static class ProjectFlows
{
    /// <summary>Creates a project through the dialog on the open projects page and waits for its row.</summary>
    public static async Task CreateAsync(IPage page, string name, string description = "")
    {
        await page.Locator("#project-new").ClickAsync();
        await page.Locator("#project-name").FillAsync(name);
        if (description.Length > 0) await page.Locator("#project-description").FillAsync(description);
        await page.Locator("#project-save").ClickAsync();
        await Assertions.Expect(page.Locator(".project-name", new() { HasText = name })).ToBeVisibleAsync();
    }
}
