using System.Text.RegularExpressions;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>Every page as visitors, members and operators meet it, in light and dark, on a desktop and a phone:
/// nothing scrolls sideways, the console stays clean, and axe finds no serious or critical accessibility problem.
/// A screenshot of each is saved under the test run's output folder (sweep/), for people to look at.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageSweepTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly (int Width, int Height, string Name)[] Viewports = [(1366, 800, "desktop"), (390, 844, "phone")];
    private static readonly string[] Themes = ["light", "dark"];

    private AppProcess app = null!;

    public async Task InitializeAsync() => app = await AppProcess.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Every_page_fits_the_screen_logs_no_errors_and_has_no_serious_accessibility_violations()
    {
        // The operator (first account) owns a workspace with a project; the member has a workspace of their own.
        var setup = await browser.NewPageAsync(app.BaseUrl);
        var operatorUser = await UserFlows.RegisterAsync(setup, "Olga Operator");
        await setup.GotoInteractiveAsync($"/w/{operatorUser.Slug}/projects");
        await ProjectFlows.CreateAsync(setup, "Apollo", "To the moon and back");
        var projectPath = await setup.Locator(".project-name", new() { HasText = "Apollo" }).GetAttributeAsync("href")
                          ?? throw new InvalidOperationException("the project's name links nowhere");
        var memberSetup = await browser.NewPageAsync(app.BaseUrl);
        var member = await UserFlows.RegisterAsync(memberSetup, "Max Member");
        await setup.Context.CloseAsync();
        await memberSetup.Context.CloseAsync();

        var pages = new (string Who, TestUser? User, string Path)[]
        {
            ("anonymous", null, "/"),
            ("anonymous", null, "/Account/Login"),
            ("anonymous", null, "/Account/Register"),
            ("anonymous", null, "/not-found"),
            ("anonymous", null, "/Account/Lockout"),
            ("anonymous", null, "/Account/ResetPassword"),
            ("member", member, $"/w/{member.Slug}/projects"),
            ("member", member, "/Account/Manage"),
            ("member", member, "/Account/Manage/ChangePassword"),
            ("member", member, "/Account/SignOut"),
            ("member", member, "/Account/Login"),
            ("operator", operatorUser, $"/w/{operatorUser.Slug}/projects"),
            ("operator", operatorUser, projectPath),
            ("operator", operatorUser, $"/w/{operatorUser.Slug}/members"),
            ("operator", operatorUser, "/console"),
            ("operator", operatorUser, "/console/users"),
            ("operator", operatorUser, "/console/workspaces"),
            ("operator", operatorUser, "/console/audit"),
            ("operator", operatorUser, "/console/realtime"),
            ("operator", operatorUser, "/console/shell"),
        };

        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults", "sweep");
        Directory.CreateDirectory(folder);
        var problems = new List<string>();
        foreach (var who in pages.GroupBy(p => p.Who))
        {
            foreach (var viewport in Viewports)
            {
                foreach (var theme in Themes)
                {
                    var page = await NewSignedInPageAsync(who.First().User, viewport.Width, viewport.Height, theme);
                    var errors = new List<string>();
                    page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
                    page.PageError += (_, e) => errors.Add(e);
                    foreach (var (_, _, path) in who)
                    {
                        errors.Clear();
                        var label = $"{who.Key} {path} {viewport.Name} {theme}";
                        var response = await page.GotoAsync(path);
                        if (response is { Status: >= 500 }) problems.Add($"{label}: HTTP {response.Status}");
                        await WaitUntilSettledAsync(page);

                        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
                        if (overflow > 0) problems.Add($"{label}: scrolls sideways by {overflow}px ({await WidestAsync(page)})");

                        var axe = await page.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations] });
                        foreach (var violation in axe.Violations.Where(v => v.Impact is "serious" or "critical"))
                            problems.Add($"{label}: axe {violation.Impact} {violation.Id}: {violation.Help} at " +
                                string.Join(", ", violation.Nodes.Take(3).Select(n => string.Join(" ", n.Target))));

                        if (errors.Count > 0) problems.Add($"{label}: console errors: {string.Join(" | ", errors)}");

                        var file = $"{who.Key}{Regex.Replace(path, "[^a-zA-Z0-9]+", "-").TrimEnd('-')}-{viewport.Name}-{theme}.png";
                        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, file), FullPage = true });
                    }
                    await page.Context.CloseAsync();
                }
            }
        }
        Assert.True(problems.Count == 0, $"{problems.Count} problems (screenshots in {folder}):\n" + string.Join("\n", problems));
    }

    /// <summary>A new browser context with the theme chosen through the theme cookie (as the theme menu leaves it),
    /// signed in through the real form when <paramref name="user"/> is given.</summary>
    private async Task<IPage> NewSignedInPageAsync(TestUser? user, int width, int height, string theme)
    {
        var page = await browser.NewPageAsync(app.BaseUrl, width, height);
        await page.Context.AddCookiesAsync([new Cookie { Name = "app.theme", Value = theme, Url = app.BaseUrl.ToString() }]);
        if (user is not null) await UserFlows.SignInAsync(page, user);
        return page;
    }

    /// <summary>Interactive pages until their circuit is live; static ones once loaded. Then no animation in flight.</summary>
    private static async Task WaitUntilSettledAsync(IPage page)
    {
        var ready = page.Locator("#shell-ready");
        await ready.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        if (await page.Locator("#realtime-indicator[data-state='static']").CountAsync() == 0) await page.WaitForInteractiveAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.WaitForTimeoutAsync(300); // MudBlazor's transitions (drawer, ripples) are 225-300 ms
    }

    private static Task<string> WidestAsync(IPage page) => page.EvaluateAsync<string>("""
        () => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(-3).map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].slice(0, 2).join('.')}`).join(', ')
        """);
}
