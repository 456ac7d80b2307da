using System.Diagnostics;
using System.Text.RegularExpressions;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace App.E2E;

/// <summary>Who is online, as two people see it: Olive owns a workspace, Bob joins it; each sees the other arrive and
/// leave (a closed tab, a cut connection, a removal), and Olive sees "Bob is editing" while his dialog is open and "Bob is
/// viewing" while he is on the project's page. The
/// measured times are printed (bench/RESULTS.md keeps them).</summary>
[Collection(BrowserCollection.Name)]
public sealed class PresenceTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task The_other_user_appears_counts_once_with_two_tabs_shows_editing_and_leaves_on_close_cut_and_removal()
    {
        await using var app = await AppProcess.StartAsync();
        // Bob's browser reaches the app through a relay, so the test can cut his connections as a lost network does.
        await using var relay = new TcpRelay("127.0.0.1", app.Port);
        relay.Start();
        var olivePage = await browser.NewPageAsync(app.BaseUrl);
        var bobPage = await browser.NewPageAsync(new Uri($"http://127.0.0.1:{relay.Port}/"));
        var olive = await UserFlows.RegisterAsync(olivePage, "Olive Presence");
        var bob = await UserFlows.RegisterAsync(bobPage, "Bob Presence");
        await SharingFlows.InviteAndJoinAsync(olivePage, olive, bobPage, bob);
        await olivePage.GotoInteractiveAsync($"/w/{olive.Slug}/projects");
        var oliveSees = olivePage.Locator("#presence-online");

        // Both are on the workspace's pages: each sees both, by name.
        await Assertions.Expect(oliveSees).ToHaveAttributeAsync("aria-label", "Online now: Bob Presence, Olive Presence");
        await Assertions.Expect(bobPage.Locator("#presence-online")).ToHaveAttributeAsync("aria-label", "Online now: Bob Presence, Olive Presence");
        await Assertions.Expect(olivePage.GetByRole(AriaRole.Group, new() { Name = "Online now: Bob Presence, Olive Presence" })).ToBeVisibleAsync();
        await Assertions.Expect(oliveSees.Locator(".presence-count")).ToHaveTextAsync("2");

        // A second tab of Bob's counts once; closing one of the two leaves him online.
        var bobSecondTab = await bobPage.Context.NewPageAsync();
        await bobSecondTab.GotoInteractiveAsync($"/w/{olive.Slug}/projects");
        await Assertions.Expect(oliveSees.Locator(".presence-count")).ToHaveTextAsync("2");
        await bobSecondTab.CloseAsync();
        await olivePage.WaitForTimeoutAsync(1000); // a leave would show within this second
        await Assertions.Expect(oliveSees).ToHaveAttributeAsync("aria-label", "Online now: Bob Presence, Olive Presence");

        // Bob edits a project: Olive sees it on that row while his dialog is open, and no longer when he cancels.
        await ProjectFlows.CreateAsync(olivePage, "Presence plan");
        var row = olivePage.Locator("tr", new() { Has = olivePage.Locator(".project-name", new() { HasText = "Presence plan" }) });
        await bobPage.GetByRole(AriaRole.Button, new() { Name = "Edit Presence plan" }).ClickAsync();
        var opened = Stopwatch.StartNew();
        await Assertions.Expect(row.Locator(".project-presence")).ToHaveTextAsync("Bob Presence is editing", new() { Timeout = 2000 });
        var editingShown = opened.Elapsed;
        await Assertions.Expect(bobPage.Locator(".project-presence")).ToHaveCountAsync(0); // not told about himself
        await ScreenshotsAsync(olivePage);
        await bobPage.Locator("#project-cancel").ClickAsync();
        await Assertions.Expect(row.Locator(".project-presence")).ToHaveCountAsync(0, new() { Timeout = 2000 });

        // Bob opens the project's page: Olive sees him viewing it on the row, and on the project's page when she opens it.
        await bobPage.Locator(".project-name", new() { HasText = "Presence plan" }).ClickAsync();
        await Assertions.Expect(bobPage.Locator("#project-title")).ToHaveTextAsync("Presence plan");
        await Assertions.Expect(row.Locator(".project-presence")).ToHaveTextAsync("Bob Presence is viewing", new() { Timeout = 2000 });
        await row.Locator(".project-name").ClickAsync();
        await Assertions.Expect(olivePage.Locator("#project-presence .project-presence")).ToHaveTextAsync("Bob Presence is viewing");
        await Assertions.Expect(bobPage.Locator("#project-presence .project-presence")).ToHaveTextAsync("Olive Presence is viewing");
        await olivePage.Locator("#project-back").ClickAsync();
        await Assertions.Expect(row.Locator(".project-presence")).ToHaveTextAsync("Bob Presence is viewing");

        // Bob closes his tab: he is gone for Olive within 2 s.
        var closed = Stopwatch.StartNew();
        await bobPage.CloseAsync();
        await Assertions.Expect(oliveSees).ToHaveAttributeAsync("aria-label", "Online now: Olive Presence", new() { Timeout = 2000 });
        var leftOnClose = closed.Elapsed;

        // He comes back in a new tab: he appears within 2 s of his page opening.
        var bobAgain = await bobPage.Context.NewPageAsync();
        var navigating = Stopwatch.StartNew();
        await bobAgain.GotoAsync($"/w/{olive.Slug}/projects");
        await bobAgain.WaitForInteractiveAsync();
        var interactive = navigating.Elapsed;
        await Assertions.Expect(oliveSees).ToHaveAttributeAsync("aria-label", "Online now: Bob Presence, Olive Presence", new() { Timeout = 2000 });
        var joined = navigating.Elapsed - interactive;

        // His network is cut (the tab stays open): he is gone for Olive within 30 s.
        var cut = Stopwatch.StartNew();
        relay.Stop();
        await Assertions.Expect(oliveSees).ToHaveAttributeAsync("aria-label", "Online now: Olive Presence", new() { Timeout = 30_000 });
        var leftOnCut = cut.Elapsed;

        output.WriteLine($"presence: editing shown {editingShown.TotalMilliseconds:F0} ms after the click; leave on tab close " +
            $"{leftOnClose.TotalMilliseconds:F0} ms; join {joined.TotalMilliseconds:F0} ms after the page was interactive; " +
            $"leave on a cut connection {leftOnCut.TotalMilliseconds:F0} ms ({Environment.ProcessorCount} cores)");
    }

    [Fact]
    public async Task A_removed_member_s_open_page_says_so_at_once_clears_the_workspace_and_leaves_presence()
    {
        await using var app = await AppProcess.StartAsync();
        var olivePage = await browser.NewPageAsync(app.BaseUrl);
        var bobPage = await browser.NewPageAsync(app.BaseUrl);
        var olive = await UserFlows.RegisterAsync(olivePage, "Olive Owner");
        var bob = await UserFlows.RegisterAsync(bobPage, "Bob Removed");
        await SharingFlows.InviteAndJoinAsync(olivePage, olive, bobPage, bob);
        await olivePage.GotoInteractiveAsync($"/w/{olive.Slug}/projects");
        await ProjectFlows.CreateAsync(olivePage, "Secret plan");
        await Assertions.Expect(bobPage.Locator(".project-name", new() { HasText = "Secret plan" })).ToBeVisibleAsync();
        await Assertions.Expect(bobPage.Locator("#presence-online")).ToHaveAttributeAsync("aria-label", "Online now: Bob Removed, Olive Owner");

        // Olive removes Bob from the members page (in another tab of hers) while his projects page is open.
        var members = await olivePage.Context.NewPageAsync();
        await members.GotoInteractiveAsync($"/w/{olive.Slug}/members");
        await members.GetByRole(AriaRole.Button, new() { Name = "Remove Bob Removed" }).ClickAsync();
        await members.GetByRole(AriaRole.Button, new() { Name = "Remove member", Exact = true }).ClickAsync();

        // Bob's page says it at once, shows none of the workspace's data and offers a way home.
        await Assertions.Expect(bobPage.Locator("#workspace-lost")).ToHaveTextAsync("You are no longer a member of Olive Owner.",
            new() { Timeout = 2000 });
        await Assertions.Expect(bobPage.Locator("#projects-table")).ToHaveCountAsync(0);
        await Assertions.Expect(bobPage.GetByText("Secret plan")).ToHaveCountAsync(0);
        await Assertions.Expect(bobPage.Locator("#presence-online")).ToHaveCountAsync(0);
        await Assertions.Expect(olivePage.Locator("#presence-online")).ToHaveAttributeAsync("aria-label", "Online now: Olive Owner",
            new() { Timeout = 2000 });
        await bobPage.Locator("#workspace-lost-home").ClickAsync();
        await bobPage.WaitForURLAsync(new Regex($"/w/{bob.Slug}$|/$"));
    }

    [Fact]
    public async Task Across_two_instances_with_Redis_each_sees_the_other_and_a_dead_instance_s_user_expires()
    {
        await using var database = TestMariaDb.NewName();
        await using var redis = await TestRedis.StartAsync();
        var env = new Dictionary<string, string>(database.AppEnvironment)
        {
            ["DB_AUTO_MIGRATE"] = "true",
            ["REALTIME_REDIS_URL"] = redis.Url,
            ["REALTIME_REDIS_PREFIX"] = "e2e" + Guid.NewGuid().ToString("N")[..6],
            ["DATA_PROTECTION_KEYS_PATH"] = AppProcess.NewWorkDir(),
        };
        await using var instanceA = await AppProcess.StartAsync(env);
        var instanceB = await AppProcess.StartAsync(env);
        try
        {
            var olivePage = await browser.NewPageAsync(instanceA.BaseUrl);
            var bobPage = await browser.NewPageAsync(instanceB.BaseUrl);
            var olive = await UserFlows.RegisterAsync(olivePage, "Olive Scale");
            var bob = await UserFlows.RegisterAsync(bobPage, "Bob Scale");
            // The invite is made on A and accepted on B.
            await SharingFlows.InviteAndJoinAsync(olivePage, olive, bobPage, bob);
            await olivePage.GotoInteractiveAsync($"/w/{olive.Slug}/projects");
            var oliveSees = olivePage.Locator("#presence-online");
            await Assertions.Expect(oliveSees).ToHaveAttributeAsync("aria-label", "Online now: Bob Scale, Olive Scale");
            await Assertions.Expect(bobPage.Locator("#presence-online")).ToHaveAttributeAsync("aria-label", "Online now: Bob Scale, Olive Scale");

            // Bob's edit dialog on B shows on Olive's page on A.
            await ProjectFlows.CreateAsync(olivePage, "Scaled plan");
            await bobPage.GetByRole(AriaRole.Button, new() { Name = "Edit Scaled plan" }).ClickAsync();
            await Assertions.Expect(olivePage.Locator(".project-presence")).ToHaveTextAsync("Bob Scale is editing", new() { Timeout = 2000 });
            await bobPage.Locator("#project-cancel").ClickAsync();
            await Assertions.Expect(olivePage.Locator(".project-presence")).ToHaveCountAsync(0, new() { Timeout = 2000 });

            // Instance B dies without a word: its entries are no longer renewed and expire within 30 s.
            var killed = Stopwatch.StartNew();
            instanceB.Kill();
            await Assertions.Expect(oliveSees).ToHaveAttributeAsync("aria-label", "Online now: Olive Scale", new() { Timeout = 30_000 });
            output.WriteLine($"presence: a dead instance's user gone after {killed.Elapsed.TotalMilliseconds:F0} ms " +
                $"(heartbeat 5 s, timeout 15 s; {Environment.ProcessorCount} cores)");
        }
        catch (Exception ex)
        {
            throw new Exception($"{ex.Message}\n--- instance A ---\n{instanceA.Tail()}\n--- instance B ---\n{instanceB.Tail()}", ex);
        }
        finally
        {
            await instanceB.DisposeAsync();
        }
    }

    /// <summary>The projects page with presence, for a person to check (kept with the test results, as the page sweep's
    /// are); on a phone nothing may scroll sideways.</summary>
    private static async Task ScreenshotsAsync(IPage page)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults", "presence");
        Directory.CreateDirectory(folder);
        foreach (var (width, height) in new[] { (1366, 800), (390, 844) })
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                await page.SetViewportSizeAsync(width, height);
                await page.EmulateMediaAsync(new() { ColorScheme = scheme });
                await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"projects-{width}x{height}-{scheme}.png".ToLowerInvariant()) });
                Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
                    $"the projects page scrolls sideways at {width} px");
            }
        await page.SetViewportSizeAsync(1400, 900);
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
    }
}
