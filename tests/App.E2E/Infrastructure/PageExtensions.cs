using Microsoft.Playwright;

namespace App.E2E.Infrastructure;

public static class PageExtensions
{
    /// <summary>Opens <paramref name="path"/> and waits until the circuit is interactive: clicks before that are lost.</summary>
    public static async Task<IResponse?> GotoInteractiveAsync(this IPage page, string path)
    {
        var response = await page.GotoAsync(path);
        await page.WaitForInteractiveAsync();
        return response;
    }

    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("#shell-ready[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
}
