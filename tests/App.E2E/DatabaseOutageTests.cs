using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>MariaDB goes down while a person is saving: the dialog says so and keeps what they typed, the page
/// lives on (row actions say so too), other pages and APIs answer a readable 503, and saving works again once the
/// database is back, on the same circuit.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DatabaseOutageTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_save_during_a_database_outage_is_explained_and_succeeds_once_it_is_back()
    {
        await using var db = await TestMariaDb.CreateAsync();
        await using var relay = new TcpRelay(TestEnvironment.MySqlHost, TestEnvironment.MySqlPort);
        relay.Start();
        var env = new Dictionary<string, string>(db.AppEnvironment)
        {
            ["DB_HOST"] = "127.0.0.1", ["DB_PORT"] = relay.Port.ToString(), ["DB_AUTO_MIGRATE"] = "true", ["DB_CONNECT_TIMEOUT"] = "2",
        };
        await using var app = await AppProcess.StartAsync(env);
        var page = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(page, "Dee Outage");
        await page.GotoInteractiveAsync($"/w/{user.Slug}/projects");
        await ProjectFlows.CreateAsync(page, "Existing");
        relay.Stop(); // MariaDB is gone: open connections cut, new ones refused
        var outage = System.Diagnostics.Stopwatch.StartNew();

        // A row action: said in a message, and the page stays live.
        await page.Locator("#projects-table tbody tr", new() { HasText = "Existing" }).Locator(".project-close").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Could not save: the database is unavailable, try again.",
            new() { Timeout = 20_000 });

        // The dialog: the same words, and what was typed stays.
        await page.Locator("#project-new").ClickAsync();
        await page.Locator("#project-name").FillAsync("Survivor");
        await page.Locator("#project-description").FillAsync("typed during the outage");
        await page.Locator("#project-save").ClickAsync();

        await Assertions.Expect(page.Locator("#project-dialog-error"))
            .ToHaveTextAsync("Could not save: the database is unavailable, try again.", new() { Timeout = 20_000 });
        Assert.Equal("Survivor", await page.Locator("#project-name").InputValueAsync());
        Assert.Equal("typed during the outage", await page.Locator("#project-description").InputValueAsync());

        // Another signed-in page and an API, while it is down: a readable page and JSON problem details, both 503.
        var other = await page.Context.NewPageAsync();
        var response = await other.GotoAsync($"/w/{user.Slug}/projects");
        Assert.Equal(503, response!.Status);
        await Assertions.Expect(other.Locator("#error-detail")).ToContainTextAsync("database is unavailable");
        var api = await page.Context.APIRequest.GetAsync($"/api/jobs/{Guid.NewGuid()}/result");
        Assert.Equal(503, api.Status);
        Assert.StartsWith("application/problem+json", api.Headers["content-type"]);
        Assert.Contains("database is unavailable", await api.TextAsync());

        // Longer than the circuit's 15 s re-check of its user: an outage is not a sign-out.
        var recheck = TimeSpan.FromSeconds(17) - outage.Elapsed;
        if (recheck > TimeSpan.Zero) await Task.Delay(recheck);
        Assert.EndsWith($"/w/{user.Slug}/projects", page.Url);
        await Assertions.Expect(page.Locator("#project-name")).ToHaveValueAsync("Survivor");

        // Back up: the same dialog, on the same circuit, saves.
        relay.Start();
        await page.Locator("#project-save").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator(".project-name", new() { HasText = "Survivor" })).ToBeVisibleAsync();
    }
}
