using System.Text.RegularExpressions;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>Password change, sign-out (everywhere), sign-in back to where you were going, and lockout.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccountLifecycleTests(BrowserFixture browser) : IAsyncLifetime
{
    private AppProcess app = null!;

    public async Task InitializeAsync() => app = await AppProcess.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Changing_the_password_and_signing_out_end_every_open_session()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        var dana = await UserFlows.RegisterAsync(page, "Dana Lifecycle");
        var otherTab = await page.Context.NewPageAsync();
        await otherTab.GotoInteractiveAsync($"/w/{dana.Slug}/projects");

        // Change password (static form with antiforgery).
        const string newPassword = "Changed-Passw0rd";
        await page.GotoAsync("/Account/Manage/ChangePassword");
        await page.Locator("#password-old").FillAsync("wrong-old-password");
        await page.Locator("#password-new").FillAsync(newPassword);
        await page.Locator("#password-confirm").FillAsync(newPassword);
        await page.Locator("#password-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#account-error")).ToContainTextAsync("current password is wrong");
        await page.Locator("#password-old").FillAsync(dana.Password);
        await page.Locator("#password-new").FillAsync(newPassword);
        await page.Locator("#password-confirm").FillAsync(newPassword);
        await page.Locator("#password-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#account-success")).ToContainTextAsync("password was changed");

        // Sign out from one tab: the other tab's live page loses access at once.
        await page.Locator("#sign-out-form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(new Regex("/$"));
        // Waits on the address and the form a person sees, not on a navigation: the tab may navigate twice (the reload
        // the session-ended event asks for, then the circuit's own sign-out 2 s later if that reload is still loading),
        // and WaitForURL, which also waits for the matching navigation's network response, once timed out with the
        // sign-in page already loaded.
        await Assertions.Expect(otherTab).ToHaveURLAsync(new Regex("/Account/Login"));
        await Assertions.Expect(otherTab.Locator("#login-submit")).ToBeVisibleAsync();

        // The old password no longer works; the new one does, and sign-in returns to where the user was going.
        await page.GotoAsync($"/w/{dana.Slug}/projects");
        Assert.Contains("ReturnUrl=%2Fw%2F" + dana.Slug + "%2Fprojects", page.Url);
        await page.Locator("#login-email").FillAsync(dana.Email);
        await page.Locator("#login-password").FillAsync(dana.Password);
        await page.Locator("#login-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#account-error")).ToHaveTextAsync("Invalid email or password.");
        await page.Locator("#login-email").FillAsync(dana.Email);
        await page.Locator("#login-password").FillAsync(newPassword);
        await page.Locator("#login-submit").ClickAsync();
        await page.WaitForURLAsync(new Regex($"/w/{dana.Slug}/projects$"));
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.Locator("#workspace-name")).ToHaveTextAsync("Dana Lifecycle");
    }

    [Fact]
    public async Task A_tab_whose_live_connection_starts_just_as_the_user_signs_out_elsewhere_is_signed_out_too()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        var dana = await UserFlows.RegisterAsync(page, "Dana Race");
        var otherTab = await page.Context.NewPageAsync();
        // The other tab's circuit connection is made (and its cookie accepted) before the sign-out, but the circuit
        // only starts after it, so it misses the "session ended" event that reloads the user's open pages: the
        // page's messages to the server are held after the connection's handshake until the sign-out is done.
        var held = new List<IWebSocketFrame>();
        var holding = true;
        var firstHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IWebSocketRoute? server = null;
        await otherTab.RouteWebSocketAsync(new Regex("/_blazor"), ws =>
        {
            server = ws.ConnectToServer();
            var handshakeSent = false;
            ws.OnMessage(frame =>
            {
                lock (held)
                {
                    if (holding && handshakeSent)
                    {
                        held.Add(frame);
                        firstHeld.TrySetResult();
                        return;
                    }
                }
                // The handshake is JSON text; every later message of the blazorpack protocol is binary. (A frame
                // does not say which it was: Text just decodes the bytes.)
                if (handshakeSent) server.Send(frame.Binary);
                else server.Send(frame.Text);
                handshakeSent = true;
            });
        });
        await otherTab.GotoAsync($"/w/{dana.Slug}/projects");
        await Assertions.Expect(otherTab.Locator("#workspace-name")).ToHaveTextAsync("Dana Race");
        if (await Task.WhenAny(firstHeld.Task, Task.Delay(TimeSpan.FromSeconds(15))) != firstHeld.Task)
            Assert.Fail("The other tab never sent its first message after the handshake (no circuit start to hold).");

        await page.GotoAsync("/Account/Manage");
        await page.Locator("#sign-out-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#sign-in-link")).ToBeVisibleAsync();
        lock (held)
        {
            holding = false;
            foreach (var frame in held) server!.Send(frame.Binary);
        }

        // Well before the circuit's periodic re-check of its user (15 s): the circuit checks once it listens.
        await Assertions.Expect(otherTab).ToHaveURLAsync(new Regex("/Account/Login"), new() { Timeout = 5000 });
        await Assertions.Expect(otherTab.Locator("#login-submit")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Changing_the_display_name_shows_it_in_the_user_menu()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        var frank = await UserFlows.RegisterAsync(page, "Frank Profile");
        await Assertions.Expect(page.Locator("#user-menu button")).ToHaveTextAsync("Frank Profile");

        await page.GotoAsync("/Account/Manage");
        await Assertions.Expect(page.Locator("#profile-email")).ToHaveTextAsync(frank.Email);
        await Assertions.Expect(page.Locator("#profile-name")).ToHaveValueAsync("Frank Profile");
        // An over-long name is refused next to the field and changes nothing.
        await page.Locator("#profile-name").FillAsync(new string('f', 101));
        await page.Locator("#profile-submit").ClickAsync();
        await Assertions.Expect(page.Locator(".validation-message")).ToContainTextAsync("100");
        await page.Locator("#profile-name").FillAsync("  Frank Renamed  ");
        await page.Locator("#profile-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#account-success")).ToContainTextAsync("profile was saved");

        // The new name is in the menu on the next page, and stays after signing in again.
        await page.GotoInteractiveAsync($"/w/{frank.Slug}");
        await Assertions.Expect(page.Locator("#user-menu button")).ToHaveTextAsync("Frank Renamed");
        await page.GotoAsync("/Account/Manage");
        await page.Locator("#sign-out-form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(new Regex("/$"));
        await UserFlows.SignInAsync(page, frank);
        await Assertions.Expect(page.Locator("#user-menu button")).ToHaveTextAsync("Frank Renamed");
    }

    [Fact]
    public async Task Repeated_failed_sign_ins_lock_the_account_and_forged_posts_are_refused()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        var eve = await UserFlows.RegisterAsync(page, "Eve Lockout");
        var attacker = await browser.NewPageAsync(app.BaseUrl);

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await attacker.GotoAsync("/Account/Login");
            await attacker.Locator("#login-email").FillAsync(eve.Email);
            await attacker.Locator("#login-password").FillAsync($"Guess-{attempt}-wrong");
            await attacker.Locator("#login-submit").ClickAsync();
            await attacker.WaitForLoadStateAsync();
        }
        await Assertions.Expect(attacker.Locator("h1")).ToHaveTextAsync("Too many attempts");

        // Even the right password is refused while locked.
        await attacker.GotoAsync("/Account/Login");
        await attacker.Locator("#login-email").FillAsync(eve.Email);
        await attacker.Locator("#login-password").FillAsync(eve.Password);
        await attacker.Locator("#login-submit").ClickAsync();
        await Assertions.Expect(attacker.Locator("h1")).ToHaveTextAsync("Too many attempts");

        // A form post without the antiforgery token (a cross-site forgery) is refused.
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        var forged = await http.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["ReturnUrl"] = "/" }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, forged.StatusCode);
        var login = await http.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["Input.Email"] = eve.Email, ["Input.Password"] = eve.Password,
        }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, login.StatusCode);
    }

    [Fact]
    public async Task The_operator_statistics_job_reports_progress_and_downloads()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        var op = await UserFlows.RegisterAsync(page, "Olga Operator");
        await page.GotoInteractiveAsync("/console/workspaces");
        await page.Locator("#workspace-statistics").ClickAsync();
        var panel = page.Locator(".job-panel");
        await Assertions.Expect(panel).ToHaveAttributeAsync("data-state", "Done", new() { Timeout = 15_000 });
        await Assertions.Expect(panel.Locator(".job-message")).ToContainTextAsync("100%");
        var href = await panel.Locator(".job-download").GetAttributeAsync("href");
        var csv = await (await page.Context.APIRequest.GetAsync(href!)).TextAsync();
        Assert.Contains(op.Slug, csv);
        Assert.StartsWith("\ufeffSlug,Name,Owner", csv);
    }
}
