using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E.Infrastructure;

public static class ProjectFlows
{
    /// <summary>Creates a project through the dialog on the open projects page and waits for its row. If the dialog
    /// does not close, fails with what it shows (a validation message, an error), not just a timeout.</summary>
    public static async Task CreateAsync(IPage page, string name, string description = "")
    {
        await page.Locator("#project-new").ClickAsync();
        await page.Locator("#project-name").FillAsync(name);
        if (description.Length > 0) await page.Locator("#project-description").FillAsync(description);
        await page.Locator("#project-save").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        var closed = true;
        try
        {
            await Assertions.Expect(dialog).ToHaveCountAsync(0, new() { Timeout = 5_000 });
        }
        catch (PlaywrightException)
        {
            closed = false;
        }
        if (!closed && await page.Locator("#project-save").IsEnabledAsync())
        {
            // Save is enabled, so no save is running: the click was not acted on. Seen only in full-suite runs under load,
            // before the dialog stopped deciding on a bound IsValid (cause not proven). Noted where ./scripts/test.sh
            // prints it, then clicked once more; a save that is stuck (Save stays disabled while it runs) fails below.
            TestNotes.Write($"ProjectFlows: the dialog was still open 5 s after Save for '{name}' with Save enabled; clicked Save again");
            await page.Locator("#project-save").ClickAsync();
        }
        try
        {
            await Assertions.Expect(dialog).ToHaveCountAsync(0, new() { Timeout = 15_000 });
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
