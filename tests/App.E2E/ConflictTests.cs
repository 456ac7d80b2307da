using System.Text.RegularExpressions;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>Two people editing one project: the open dialog is told, different fields merge by themselves, the same
/// field asks Overwrite or Reload.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ConflictTests(BrowserFixture browser)
{
    [Fact]
    public async Task Edits_underneath_an_open_dialog_merge_or_ask_and_both_choices_work()
    {
        await using var app = await AppProcess.StartAsync();
        var olivePage = await browser.NewPageAsync(app.BaseUrl);
        var benPage = await browser.NewPageAsync(app.BaseUrl);
        var olive = await UserFlows.RegisterAsync(olivePage, "Olive Conflict");
        var ben = await UserFlows.RegisterAsync(benPage, "Ben Conflict");
        await SharingFlows.InviteAndJoinAsync(olivePage, olive, benPage, ben);
        await olivePage.GotoInteractiveAsync($"/w/{olive.Slug}/projects");
        await ProjectFlows.CreateAsync(olivePage, "Apollo", "Moon");
        await Assertions.Expect(benPage.Locator(".project-name", new() { HasText = "Apollo" })).ToBeVisibleAsync();

        // 1. Different fields: Olive edits the description while Ben renames; her Save merges both, no question.
        await OpenEditAsync(olivePage, "Apollo");
        await olivePage.Locator("#project-description").FillAsync("Moon landing");
        await RenameAsync(benPage, "Apollo", "Apollo 11");
        await Assertions.Expect(olivePage.Locator("#project-dialog-notice"))
            .ToContainTextAsync("Ben Conflict changed this project: name Apollo -> Apollo 11");
        await Assertions.Expect(olivePage.Locator("#project-description")).ToHaveValueAsync("Moon landing");
        await olivePage.Locator("#project-save").ClickAsync();
        await Assertions.Expect(olivePage.Locator(".mud-dialog")).ToHaveCountAsync(0);
        await Assertions.Expect(olivePage.Locator(".mud-snackbar", new() { HasText = "merged with your edit and saved" })).ToBeVisibleAsync();
        var benRow = benPage.Locator("#projects-table tbody tr", new() { HasText = "Apollo 11" });
        await Assertions.Expect(benRow).ToContainTextAsync("Moon landing");

        // 2. Same field, Overwrite: Olive's name goes on top of Ben's.
        await OpenEditAsync(olivePage, "Apollo 11");
        await olivePage.Locator("#project-name").FillAsync("Artemis");
        await RenameAsync(benPage, "Apollo 11", "Gemini");
        await Assertions.Expect(olivePage.Locator("#project-dialog-notice")).ToContainTextAsync("name Apollo 11 -> Gemini");
        await olivePage.Locator("#project-save").ClickAsync();
        await Assertions.Expect(olivePage.Locator("#project-dialog-conflict")).ToContainTextAsync("Ben Conflict also changed the name (theirs: \"Gemini\")");
        await olivePage.Locator("#project-overwrite").ClickAsync();
        await Assertions.Expect(olivePage.Locator(".mud-dialog")).ToHaveCountAsync(0);
        await Assertions.Expect(benPage.Locator(".project-name", new() { HasText = "Artemis" })).ToBeVisibleAsync();
        await Assertions.Expect(benPage.GetByRole(AriaRole.Region, new() { Name = "Activity" }).Locator(".activity-item").First)
            .ToContainTextAsync("Olive Conflict edited Artemis (overwrote a concurrent change (name Gemini -> Artemis))");

        // 3. Same field, Reload: Olive takes Ben's name and keeps her description edit.
        await OpenEditAsync(olivePage, "Artemis");
        await olivePage.Locator("#project-name").FillAsync("Mercury");
        await olivePage.Locator("#project-description").FillAsync("First crewed flights");
        await RenameAsync(benPage, "Artemis", "Vostok");
        await Assertions.Expect(olivePage.Locator("#project-dialog-notice")).ToContainTextAsync("name Artemis -> Vostok");
        await olivePage.Locator("#project-save").ClickAsync();
        await olivePage.Locator("#project-reload").ClickAsync();
        await Assertions.Expect(olivePage.Locator("#project-name")).ToHaveValueAsync("Vostok");
        await Assertions.Expect(olivePage.Locator("#project-description")).ToHaveValueAsync("First crewed flights");
        await olivePage.Locator("#project-save").ClickAsync();
        await Assertions.Expect(olivePage.Locator(".mud-dialog")).ToHaveCountAsync(0);
        await Assertions.Expect(benPage.Locator("#projects-table tbody tr", new() { HasText = "Vostok" })).ToContainTextAsync("First crewed flights");
    }

    private static async Task OpenEditAsync(IPage page, string project)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = $"Edit {project}", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#project-name")).ToHaveValueAsync(project);
    }

    private static async Task RenameAsync(IPage page, string from, string to)
    {
        await OpenEditAsync(page, from);
        await page.Locator("#project-name").FillAsync(to);
        await page.Locator("#project-save").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".project-name", new() { HasTextRegex = new Regex($"^{Regex.Escape(to)}$") })).ToBeVisibleAsync();
    }
}
