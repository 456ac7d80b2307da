using Microsoft.Playwright;

namespace App.E2E.Infrastructure;

public static class ProjectFlows
{
    /// <summary>Creates a project through the dialog on the open projects page and waits for its row. If the dialog
    /// does not close, fails with what it shows (a validation message, an error), not just a timeout. (A second
    /// Save click used to paper over a lost save under load; the fields were Immediate then, and a late re-render
    /// could reset them mid-save. They bind on change now, so a failure here is a real one.)</summary>
    public static async Task CreateAsync(IPage page, string name, string description = "")
    {
        await page.Locator("#project-new").ClickAsync();
        await page.Locator("#project-name").FillAsync(name);
        if (description.Length > 0) await page.Locator("#project-description").FillAsync(description);
        await page.Locator("#project-save").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        try
        {
            await Assertions.Expect(dialog).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        }
        catch (PlaywrightException)
        {
            var shown = await dialog.AllInnerTextsAsync();
            var field = await page.Locator("#project-name").InputValueAsync();
            // Whether the circuit was still live tells a lost click from a stuck save.
            var circuit = await page.EvaluateAsync<string>(
                "() => `save-disabled=${document.querySelector('#project-save')?.disabled} dot=${document.querySelector('#realtime-indicator')?.dataset.state} realtime=${window.appRealtime?.state} " +
                "snackbars=${[...document.querySelectorAll('.mud-snackbar')].map(e => e.innerText).join(' / ')} url=${location.pathname}`");
            throw new InvalidOperationException(
                $"The project dialog did not close after saving '{name}' (name field: '{field}'; {circuit}): {string.Join(" | ", shown)}");
        }
        await Assertions.Expect(page.Locator(".project-name", new() { HasText = name })).ToBeVisibleAsync();
    }
}
