using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>Placements in a real browser: surfaces filter them and the layout variant moves them.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ShellTests(BrowserFixture browser) : IAsyncLifetime
{
    private AppProcess app = null!;

    public async Task InitializeAsync() => app = await AppProcess.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static ILocator InOutlet(IPage page, string outlet, string placement) =>
        page.Locator($"[data-outlet='{outlet}'] [data-placement='{placement}']");

    [Fact]
    public async Task A_home_only_link_shows_on_the_home_surface_and_not_on_the_account_surface()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);

        await page.GotoInteractiveAsync("/");
        await Assertions.Expect(page.Locator("#shell-ready")).ToHaveAttributeAsync("data-surface", "home");
        await Assertions.Expect(InOutlet(page, "shell-layout:top-left", "home.nav.home")).ToBeVisibleAsync();

        await page.GotoAsync("/Account/Login");
        await Assertions.Expect(page.Locator("#shell-ready")).ToHaveAttributeAsync("data-surface", "account");
        await Assertions.Expect(page.Locator("[data-placement='home.nav.home']")).ToHaveCountAsync(0);
        // Entries for every surface are still there; the account pages have no circuit, and the dot says so.
        await Assertions.Expect(page.Locator("[data-placement='shell.brand']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#realtime-indicator")).ToHaveAttributeAsync("data-state", "static");
        await Assertions.Expect(page.Locator("#realtime-indicator")).ToHaveAttributeAsync("title", "Not live on this page");
    }

    [Fact]
    public async Task Resizing_the_viewport_moves_the_primary_nav_between_the_app_bar_and_the_drawer()
    {
        var page = await browser.NewPageAsync(app.BaseUrl, width: 1400, height: 900);
        await page.GotoInteractiveAsync("/");
        var inBar = InOutlet(page, "shell-layout:top-left", "home.nav.home");
        var inMenu = InOutlet(page, "shell-layout:primary-menu", "home.nav.home");

        // One copy per outlet exists, so "hidden" below means hidden, not missing.
        await Assertions.Expect(inBar).ToHaveCountAsync(1);
        await Assertions.Expect(inMenu).ToHaveCountAsync(1);

        // Expanded: in the app bar.
        await Assertions.Expect(inBar).ToBeVisibleAsync();
        await Assertions.Expect(inMenu).ToBeHiddenAsync();

        // Medium: in the drawer (open at this width).
        await page.SetViewportSizeAsync(1000, 800);
        await Assertions.Expect(inBar).ToBeHiddenAsync();
        await Assertions.Expect(inMenu).ToBeVisibleAsync();

        // Compact: still in the drawer, which opens from the menu button.
        await page.SetViewportSizeAsync(480, 800);
        await Assertions.Expect(inBar).ToBeHiddenAsync();
        if (!await inMenu.IsVisibleAsync()) await page.Locator("#shell-drawer-toggle").ClickAsync();
        await Assertions.Expect(inMenu).ToBeVisibleAsync();

        // And back.
        await page.SetViewportSizeAsync(1400, 900);
        await Assertions.Expect(inBar).ToBeVisibleAsync();
        await Assertions.Expect(inMenu).ToBeHiddenAsync();
    }

    [Fact]
    public async Task On_a_phone_the_drawer_opens_over_the_page_and_closes_when_its_link_is_followed_or_the_page_is_tapped()
    {
        var page = await browser.NewPageAsync(app.BaseUrl, width: 390, height: 844);
        var user = await UserFlows.RegisterAsync(page, "Phil Phone");
        var drawer = page.Locator("#shell-drawer");
        var members = drawer.GetByRole(AriaRole.Link, new() { Name = "Members" });
        await Assertions.Expect(members).Not.ToBeVisibleAsync();

        // The menu button opens it over the page (a dark overlay behind it).
        await page.Locator("#shell-drawer-toggle").ClickAsync();
        await Assertions.Expect(members).ToBeInViewportAsync();
        await Assertions.Expect(page.Locator("#shell-drawer-overlay")).ToBeVisibleAsync();

        // Following a link goes there and leaves the page uncovered.
        await members.ClickAsync();
        await page.WaitForURLAsync($"**/w/{user.Slug}/members");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Members" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#shell-drawer-overlay")).ToHaveCountAsync(0);
        await Assertions.Expect(members).Not.ToBeInViewportAsync();

        // Tapping the page beside the open drawer closes it too.
        await page.Locator("#shell-drawer-toggle").ClickAsync();
        await Assertions.Expect(members).ToBeInViewportAsync();
        await page.Mouse.ClickAsync(370, 600);
        await Assertions.Expect(page.Locator("#shell-drawer-overlay")).ToHaveCountAsync(0);
        await Assertions.Expect(members).Not.ToBeInViewportAsync();
    }

    [Fact]
    public async Task On_a_medium_screen_the_open_drawer_sits_beside_the_page_and_stays_open_across_its_links()
    {
        var page = await browser.NewPageAsync(app.BaseUrl, width: 1000, height: 800);
        var user = await UserFlows.RegisterAsync(page, "Meg Medium");
        var drawer = page.Locator("#shell-drawer");
        var content = page.Locator(".mud-main-content");
        await Assertions.Expect(content).ToHaveCSSAsync("margin-left", "0px");

        await page.Locator("#shell-drawer-toggle").ClickAsync();
        await Assertions.Expect(drawer.GetByRole(AriaRole.Link, new() { Name = "Members" })).ToBeInViewportAsync();
        // Beside the page, not over it: no overlay, and the page moves right by the drawer's width.
        await Assertions.Expect(page.Locator("#shell-drawer-overlay")).Not.ToBeVisibleAsync();
        await Assertions.Expect(content).ToHaveCSSAsync("margin-left", "240px");

        await drawer.GetByRole(AriaRole.Link, new() { Name = "Members" }).ClickAsync();
        await page.WaitForURLAsync($"**/w/{user.Slug}/members");
        await Assertions.Expect(drawer.GetByRole(AriaRole.Link, new() { Name = "Members" })).ToHaveAttributeAsync("aria-current", "page");
        await Assertions.Expect(drawer.GetByRole(AriaRole.Link, new() { Name = "Projects" })).ToBeInViewportAsync();

        // Narrowed to a phone while open, it gets out of the way.
        await page.SetViewportSizeAsync(390, 844);
        await Assertions.Expect(drawer.GetByRole(AriaRole.Link, new() { Name = "Projects" })).Not.ToBeInViewportAsync();
        await Assertions.Expect(page.Locator("#shell-drawer-overlay")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_operator_inspector_lists_each_placement_with_its_outlets_and_whether_it_renders_here()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        await UserFlows.RegisterAsync(page, "Ines"); // the first user is the operator

        await page.GotoInteractiveAsync("/console/shell");

        var indicator = page.Locator("#shell-placements tr", new() { Has = page.Locator("[data-here='realtime.connection.indicator']") });
        await Assertions.Expect(indicator).ToContainTextAsync("shell.status");
        Assert.Equal(3, (await indicator.InnerTextAsync()).Split("shell-layout:top-right").Length - 1);
        await Assertions.Expect(page.Locator("[data-here='realtime.connection.indicator']")).ToHaveTextAsync("yes");
        // Home-only: listed, resolved, but not rendered on the console surface.
        var home = page.Locator("#shell-placements tr", new() { Has = page.Locator("[data-here='home.nav.home']") });
        await Assertions.Expect(home).ToContainTextAsync("shell-layout:primary-menu");
        await Assertions.Expect(page.Locator("[data-here='home.nav.home']")).ToHaveTextAsync("no");

        // Anyone else: a signed-in non-operator gets 403, a visitor is sent to sign in, and the developer
        // route does not exist outside Development.
        var other = await browser.NewPageAsync(app.BaseUrl);
        await UserFlows.RegisterAsync(other, "Nils");
        Assert.Equal(403, (await other.GotoAsync("/console/shell"))!.Status);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseUrl };
        var visitor = await http.GetAsync("/console/shell");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, visitor.StatusCode);
        Assert.Contains("/Account/Login", visitor.Headers.Location!.ToString());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/_shell")).StatusCode);
        // Nor does the bench's empty page without the bench endpoints.
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/_bench/empty")).StatusCode);
    }

    [Fact]
    public async Task The_user_menu_opens_with_a_mouse_click_and_signs_out()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        await UserFlows.RegisterAsync(page, "Mona Mouse");

        var menuButton = page.Locator("#user-menu button").First;
        await Assertions.Expect(menuButton).ToHaveTextAsync("Mona Mouse");
        var signOut = page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out" });
        await Assertions.Expect(signOut).ToHaveCountAsync(0);

        // A real pointer click at the button's centre (no keyboard, no dispatched event).
        await menuButton.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Profile" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Change password" })).ToBeVisibleAsync();
        await signOut.ClickAsync();

        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/$"));
        await Assertions.Expect(page.Locator("#sign-in-link")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#user-menu")).ToHaveCountAsync(0);
        // Signed out for real: a member page sends the visitor to sign in.
        await page.GotoAsync("/Account/Manage");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"));
    }

    [Fact]
    public async Task Dark_mode_follows_the_system_until_chosen_and_the_choice_follows_the_user_to_another_browser()
    {
        // A visitor whose system is dark gets dark pages without choosing anything.
        var visitor = await browser.NewPageAsync(app.BaseUrl);
        await visitor.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await visitor.GotoInteractiveAsync("/");
        await Assertions.Expect(visitor.Locator("html")).ToHaveAttributeAsync("data-theme", "system");
        Assert.Equal("rgb(50, 51, 61)", await BackgroundAsync(visitor));
        await visitor.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        Assert.Equal("rgb(255, 255, 255)", await BackgroundAsync(visitor));

        // A member picks Dark from the theme menu with the mouse: the page turns dark at once, and stays so.
        var page = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(page, "Theo Theme");
        await page.Locator("#theme-menu button").First.ClickAsync();
        await page.GetByRole(AriaRole.Menuitemradio, new() { Name = "Dark" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Equal("rgb(50, 51, 61)", await BackgroundAsync(page));
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");

        // Signing in on another browser (no cookie there) brings the choice along.
        var elsewhere = await browser.NewPageAsync(app.BaseUrl);
        await UserFlows.SignInAsync(elsewhere, user);
        await Assertions.Expect(elsewhere.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Equal("rgb(50, 51, 61)", await BackgroundAsync(elsewhere));
    }

    [Fact]
    public async Task Dark_chosen_on_a_static_account_page_follows_the_user_to_another_browser()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(page, "Stella Static");
        await page.GotoAsync("/Account/Manage");
        await Assertions.Expect(page.Locator("#realtime-indicator")).ToHaveAttributeAsync("data-state", "static");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "system");

        // The static button cycles system -> light -> dark; each click saves the choice for the user.
        var button = page.Locator("#theme-cycle");
        await button.ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        var saved = await page.RunAndWaitForResponseAsync(() => button.ClickAsync(),
            r => r.Url.EndsWith("/Account/Theme") && r.Request.Method == "POST" && r.Request.PostData!.Contains("dark"));
        Assert.Equal(204, saved.Status);
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Equal("rgb(50, 51, 61)", await BackgroundAsync(page));

        // Another browser (no theme cookie there) signs in as the same user: dark.
        var elsewhere = await browser.NewPageAsync(app.BaseUrl);
        await UserFlows.SignInAsync(elsewhere, user);
        await Assertions.Expect(elsewhere.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Equal("rgb(50, 51, 61)", await BackgroundAsync(elsewhere));

        // The endpoint takes only a signed-in user's form post with its antiforgery token.
        var forged = await elsewhere.APIRequest.PostAsync("/Account/Theme", new() { Form = elsewhere.APIRequest.CreateFormData().Set("theme", "light") });
        Assert.Equal(400, forged.Status);
        await Assertions.Expect(elsewhere.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
    }

    [Fact]
    public async Task The_new_project_dialog_opens_with_the_cursor_in_Name_and_no_error_yet()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        await UserFlows.RegisterAsync(page, "Fiona Focus");

        await page.Locator("#project-new").ClickAsync();
        await Assertions.Expect(page.Locator("#project-name")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator(".mud-dialog")).Not.ToContainTextAsync("Name is required.");

        // Typing straight away lands in Name; Save creates it.
        await page.Keyboard.TypeAsync("Typed at once");
        await page.Locator("#project-save").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".project-name", new() { HasText = "Typed at once" })).ToBeVisibleAsync();
    }

    private static Task<string> BackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
