using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>Realtime as people see it: live project changes between members, and nothing
/// for anyone outside the workspace.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RealtimeTests(BrowserFixture browser)
{
    [Fact]
    public async Task Members_see_each_others_changes_live_and_a_non_member_receives_none()
    {
        await using var app = await AppProcess.StartAsync();
        var alicePage = await browser.NewPageAsync(app.BaseUrl);
        var bobPage = await browser.NewPageAsync(app.BaseUrl);
        var carolPage = await browser.NewPageAsync(app.BaseUrl);
        var alice = await UserFlows.RegisterAsync(alicePage, "Alice Live");   // first user: operator
        var bob = await UserFlows.RegisterAsync(bobPage, "Bob Live");
        var carol = await UserFlows.RegisterAsync(carolPage, "Carol Live");

        // Bob's circuit is already open when the operator adds him to Alice's workspace: the membership event
        // updates his audience without a reload. He then navigates inside the same circuit.
        var consolePage = await alicePage.Context.NewPageAsync();
        await UserFlows.AddMemberAsync(consolePage, alice.Slug, bob);
        await bobPage.EvaluateAsync($"Blazor.navigateTo('/w/{alice.Slug}/projects')");
        await Assertions.Expect(bobPage.Locator("#workspace-name")).ToHaveTextAsync("Alice Live");
        await alicePage.GotoInteractiveAsync($"/w/{alice.Slug}/projects");
        await consolePage.GotoInteractiveAsync("/console/realtime");
        await Assertions.Expect(carolPage.Locator("#realtime-probe")).ToHaveAttributeAsync("data-received", "0");

        // Alice creates: Bob sees it within a second.
        await alicePage.Locator("#project-new").ClickAsync();
        await alicePage.Locator("#project-name").FillAsync("Apollo");
        await alicePage.Locator("#project-description").FillAsync("To the moon");
        await alicePage.Locator("#project-save").ClickAsync();
        await Assertions.Expect(alicePage.Locator(".project-name", new() { HasText = "Apollo" })).ToBeVisibleAsync();
        await Assertions.Expect(bobPage.Locator(".project-name", new() { HasText = "Apollo" })).ToBeVisibleAsync(new() { Timeout = 1000 });

        // Alice renames and closes; Bob sees both.
        var aliceRow = alicePage.Locator("#projects-table tbody tr", new() { HasText = "Apollo" });
        await aliceRow.Locator(".project-edit").ClickAsync();
        await alicePage.Locator("#project-name").FillAsync("Apollo 11");
        await alicePage.Locator("#project-save").ClickAsync();
        await Assertions.Expect(bobPage.Locator(".project-name", new() { HasText = "Apollo 11" })).ToBeVisibleAsync(new() { Timeout = 1000 });
        await alicePage.Locator("#projects-table tbody tr", new() { HasText = "Apollo 11" }).Locator(".project-close").ClickAsync();
        var bobRow = bobPage.Locator("#projects-table tbody tr", new() { HasText = "Apollo 11" });
        await Assertions.Expect(bobRow.Locator(".project-status")).ToHaveTextAsync("Closed", new() { Timeout = 1000 });
        await Assertions.Expect(bobRow).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("realtime-flash"));

        // Bob deletes; it disappears for Alice.
        await bobRow.Locator(".project-delete").ClickAsync();
        await bobPage.GetByRole(AriaRole.Button, new() { Name = "Delete project", Exact = true }).ClickAsync();
        await Assertions.Expect(bobPage.Locator(".mud-snackbar", new() { HasText = "Deleted Apollo 11" })).ToBeVisibleAsync();
        await Assertions.Expect(alicePage.Locator(".project-name", new() { HasText = "Apollo 11" })).ToHaveCountAsync(0, new() { Timeout = 1000 });

        // The events happened (the operator's tail shows them, scoped to Alice's workspace) ...
        var tail = consolePage.Locator("#realtime-tail tbody tr", new() { HasText = "projects.project.changed" });
        await Assertions.Expect(tail).ToHaveCountAsync(4);
        // Scopes by name (the id stays in data-scope and the tooltip).
        Assert.All(await tail.Locator(".tail-scope").AllInnerTextsAsync(), s => Assert.Equal("workspace Alice Live", s));
        foreach (var scope in await tail.Locator(".tail-scope").AllAsync())
            Assert.StartsWith("workspace:", await scope.GetAttributeAsync("data-scope"));
        await Assertions.Expect(consolePage.Locator("#realtime-tail")).ToContainTextAsync("(closed)");
        // ... and Carol, in another workspace, received none of them.
        await Assertions.Expect(carolPage.Locator("#realtime-probe")).ToHaveAttributeAsync("data-received", "0");
        await Assertions.Expect(bobPage.Locator("#realtime-probe")).Not.ToHaveAttributeAsync("data-received", "0");

        // Carol's zero means nothing reached her, not that her page was dead: a ping to her arrives at once.
        await consolePage.Locator("#ping-user").ClickAsync();
        await consolePage.Locator("#ping-target").FillAsync(carol.Email);
        await consolePage.Locator("#ping-message").FillAsync("still listening?");
        await consolePage.Locator("#ping-send").ClickAsync();
        await Assertions.Expect(carolPage.Locator("#realtime-probe")).ToHaveAttributeAsync("data-last-ping", "still listening?");
        await Assertions.Expect(carolPage.Locator("#realtime-probe")).ToHaveAttributeAsync("data-received", "1");
    }

    [Fact]
    public async Task Pings_reach_exactly_their_scope()
    {
        await using var app = await AppProcess.StartAsync();
        var alicePage = await browser.NewPageAsync(app.BaseUrl);
        var bobPage = await browser.NewPageAsync(app.BaseUrl);
        var carolPage = await browser.NewPageAsync(app.BaseUrl);
        await UserFlows.RegisterAsync(alicePage, "Alice Ping");
        var bob = await UserFlows.RegisterAsync(bobPage, "Bob Ping");
        var carol = await UserFlows.RegisterAsync(carolPage, "Carol Ping");
        await alicePage.GotoInteractiveAsync("/console/realtime");

        async Task PingAsync(string audience, string? target, string message)
        {
            await alicePage.Locator($"#ping-{audience}").ClickAsync();
            if (target is not null) await alicePage.Locator("#ping-target").FillAsync(target);
            await alicePage.Locator("#ping-message").FillAsync(message);
            await alicePage.Locator("#ping-send").ClickAsync();
        }

        await PingAsync("global", null, "hello everyone");
        foreach (var page in new[] { alicePage, bobPage, carolPage })
            await Assertions.Expect(page.Locator("#realtime-probe")).ToHaveAttributeAsync("data-last-ping", "hello everyone");
        await Assertions.Expect(carolPage.Locator(".mud-snackbar", new() { HasText = "Ping: hello everyone" })).ToBeVisibleAsync();

        await PingAsync("workspace", bob.Slug, "bob's workspace only");
        await Assertions.Expect(bobPage.Locator("#realtime-probe")).ToHaveAttributeAsync("data-last-ping", "bob's workspace only");

        await PingAsync("user", carol.Email, "just carol");
        await Assertions.Expect(carolPage.Locator("#realtime-probe")).ToHaveAttributeAsync("data-last-ping", "just carol");

        // The tail shows all three went out; each person only got theirs.
        await Assertions.Expect(alicePage.Locator("#realtime-tail tbody tr", new() { HasText = "demo.ping" })).ToHaveCountAsync(3);
        await Assertions.Expect(bobPage.Locator("#realtime-probe")).ToHaveAttributeAsync("data-received", "2");
        await Assertions.Expect(carolPage.Locator("#realtime-probe")).ToHaveAttributeAsync("data-received", "2");
        await Assertions.Expect(alicePage.Locator("#realtime-probe")).ToHaveAttributeAsync("data-last-ping", "hello everyone");

        // A bad target is refused with a message and nothing is sent.
        await PingAsync("workspace", "no-such-workspace", "lost");
        await Assertions.Expect(alicePage.Locator(".mud-snackbar", new() { HasText = "No workspace has the slug" })).ToBeVisibleAsync();
        await Assertions.Expect(alicePage.Locator("#realtime-tail tbody tr", new() { HasText = "demo.ping" })).ToHaveCountAsync(3);
    }
}
