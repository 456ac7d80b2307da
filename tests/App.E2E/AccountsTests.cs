using System.Text.RegularExpressions;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>Accounts, personal workspaces and the console, as two people in two browsers see them.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccountsTests(BrowserFixture browser) : IAsyncLifetime
{
    private AppProcess app = null!;

    public async Task InitializeAsync() => app = await AppProcess.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Two_users_get_their_own_workspaces_and_the_operator_can_shut_the_other_out()
    {
        var pageA = await browser.NewPageAsync(app.BaseUrl);
        var pageB = await browser.NewPageAsync(app.BaseUrl);

        // A registers first (fresh app, no OPERATOR_EMAILS): A is the operator.
        var alice = await UserFlows.RegisterAsync(pageA, "Alice Example");
        var bob = await UserFlows.RegisterAsync(pageB, "Bob Example");
        Assert.NotEqual(alice.Slug, bob.Slug);
        await Assertions.Expect(pageA.Locator("#workspace-name")).ToHaveTextAsync("Alice Example");
        await Assertions.Expect(pageB.Locator("#workspace-name")).ToHaveTextAsync("Bob Example");

        // B cannot see A's workspace (404, no existence leak) nor the console (403), and has no console link.
        var foreign = await pageB.GotoAsync($"/w/{alice.Slug}/projects");
        Assert.Equal(404, foreign!.Status);
        await Assertions.Expect(pageB.Locator("#not-found")).ToBeVisibleAsync();
        var missing = await pageB.GotoAsync("/w/no-such-workspace");
        Assert.Equal(404, missing!.Status);
        var console = await pageB.GotoAsync("/console");
        Assert.Equal(403, console!.Status);
        await Assertions.Expect(pageB.Locator("#status-title")).ToContainTextAsync("403");
        await pageB.GotoInteractiveAsync($"/w/{bob.Slug}");
        await Assertions.Expect(pageB.Locator("[data-placement='console.nav.entry']")).ToHaveCountAsync(0);

        // Anonymous visitors are sent to sign in, and back.
        var anonymous = await browser.NewPageAsync(app.BaseUrl);
        await anonymous.GotoAsync($"/w/{bob.Slug}/projects");
        Assert.Contains("/Account/Login?ReturnUrl=%2Fw%2F" + bob.Slug, anonymous.Url);

        // A, the operator, disables B from the console.
        var consolePage = await pageA.GotoAsync("/console/users");
        Assert.Equal(200, consolePage!.Status);
        await pageA.WaitForInteractiveAsync();
        var bobRow = pageA.Locator("#console-users tbody tr").Filter(new() { HasText = bob.Email });
        await bobRow.Locator(".user-toggle-disabled").ClickAsync();
        await Assertions.Expect(bobRow).ToContainTextAsync("disabled");

        // B's open page loses access: at once through the realtime user event, or at the latest when the circuit
        // re-validates its user (every 15 s). B's next request is refused either way.
        try
        {
            // The address, not a navigation: the page may navigate twice (reload, then the circuit's own sign-out).
            await Assertions.Expect(pageB).ToHaveURLAsync(new Regex("/Account/Login"), new() { Timeout = 25_000 });
        }
        catch (PlaywrightException)
        {
            var probe = pageB.Locator("#realtime-probe");
            throw new TimeoutException(
                $"B's page stayed at {pageB.Url}; its circuit received {await probe.GetAttributeAsync("data-received")} events, " +
                $"last '{await probe.GetAttributeAsync("data-last-event")}', dot '{await pageB.Locator("#realtime-indicator").GetAttributeAsync("data-state")}'.\n{app.Tail(80)}");
        }
        var next = await pageB.GotoAsync($"/w/{bob.Slug}/projects");
        Assert.Contains("/Account/Login", pageB.Url);
        Assert.Equal(200, next!.Status);

        // A wrong password on the disabled account reads like any wrong password (no "disabled" oracle) ...
        await pageB.Locator("#login-email").FillAsync(bob.Email);
        await pageB.Locator("#login-password").FillAsync("Wrong-passw0rd");
        await pageB.Locator("#login-submit").ClickAsync();
        await Assertions.Expect(pageB.Locator("#account-error")).ToHaveTextAsync("Invalid email or password.");
        // ... B, with the right password, learns it is disabled and cannot sign back in; the audit log recorded it.
        await pageB.Locator("#login-email").FillAsync(bob.Email);
        await pageB.Locator("#login-password").FillAsync(bob.Password);
        await pageB.Locator("#login-submit").ClickAsync();
        await Assertions.Expect(pageB.Locator("#account-error")).ToContainTextAsync("disabled");
        await pageA.GotoInteractiveAsync("/console/audit");
        await Assertions.Expect(pageA.Locator("#console-audit")).ToContainTextAsync("user.disabled");
        await Assertions.Expect(pageA.Locator("#console-audit")).ToContainTextAsync(bob.Email);
    }

    [Fact]
    public async Task Registration_and_sign_in_report_bad_input_next_to_the_field()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        var carol = await UserFlows.RegisterAsync(page, "Carol Example");
        var other = await browser.NewPageAsync(app.BaseUrl);

        await other.GotoAsync("/Account/Register");
        await other.Locator("#register-name").FillAsync("Carol Again");
        await other.Locator("#register-email").FillAsync(carol.Email);
        await other.Locator("#register-password").FillAsync("weakpass");
        await other.Locator("#register-confirm").FillAsync("weakpass");
        await other.Locator("#register-submit").ClickAsync();
        await Assertions.Expect(other.Locator(".validation-message").First).ToBeVisibleAsync();
        var messages = await other.Locator(".validation-message").AllInnerTextsAsync();
        Assert.Contains(messages, m => m.Contains("already exists"));
        Assert.Contains(messages, m => m.Contains("digit") || m.Contains("uppercase"));
        // The name typed is kept.
        Assert.Equal("Carol Again", await other.Locator("#register-name").InputValueAsync());

        await other.GotoAsync("/Account/Login");
        await other.Locator("#login-email").FillAsync(carol.Email);
        await other.Locator("#login-password").FillAsync("wrong-password-1");
        await other.Locator("#login-submit").ClickAsync();
        await Assertions.Expect(other.Locator("#account-error")).ToHaveTextAsync("Invalid email or password.");
    }

    [Fact]
    public async Task The_first_visitor_is_told_they_become_the_operator_and_a_signed_in_user_is_not_shown_the_login_form()
    {
        var first = await browser.NewPageAsync(app.BaseUrl);
        await first.GotoAsync("/Account/Register");
        await Assertions.Expect(first.Locator("#register-first-run")).ToContainTextAsync("becomes the operator");
        var user = await UserFlows.RegisterAsync(first, "Fiona First");

        // Once someone exists, nobody else is told that.
        var second = await browser.NewPageAsync(app.BaseUrl);
        await second.GotoAsync("/Account/Register");
        await Assertions.Expect(second.Locator("#register-submit")).ToBeVisibleAsync();
        await Assertions.Expect(second.Locator("#register-first-run")).ToHaveCountAsync(0);

        // Signed in, the login page says so and leads back to the workspace.
        await first.GotoAsync("/Account/Login");
        await Assertions.Expect(first.Locator("#login-signed-in")).ToContainTextAsync("Fiona First");
        await Assertions.Expect(first.Locator("#login-email")).ToHaveCountAsync(0);
        await first.Locator("#login-continue").ClickAsync();
        await first.WaitForURLAsync(new Regex($"/w/{user.Slug}$"));

        // "Sign in as someone else" signs out and shows the form.
        await first.GotoAsync("/Account/Login");
        await first.Locator("#login-switch").ClickAsync();
        await Assertions.Expect(first.Locator("#login-email")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_operator_issues_a_password_reset_link_that_works_once_and_is_audited()
    {
        var operatorPage = await browser.NewPageAsync(app.BaseUrl);
        await UserFlows.RegisterAsync(operatorPage, "Rita Operator");
        var userPage = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(userPage, "Forgetful Fred");
        await userPage.Context.ClearCookiesAsync();

        await operatorPage.GotoInteractiveAsync("/console/users");
        var row = operatorPage.Locator("#console-users tbody tr", new() { HasText = user.Email });
        await row.Locator(".user-reset-link").ClickAsync();
        await Assertions.Expect(operatorPage.Locator("#reset-link")).ToContainTextAsync(user.Email);
        var link = await operatorPage.Locator("#reset-link-url").InputValueAsync();
        Assert.Contains("/Account/ResetPassword?user=", link);

        // Fred opens it, sets a new password, and signs in with it.
        await userPage.GotoAsync(link);
        await userPage.Locator("#reset-new").FillAsync("N3w-password");
        await userPage.Locator("#reset-confirm").FillAsync("N3w-password");
        await userPage.Locator("#reset-submit").ClickAsync();
        await Assertions.Expect(userPage.Locator("#account-success")).ToContainTextAsync("password was set");
        await UserFlows.SignInAsync(userPage, user with { Password = "N3w-password" });

        // The link is spent.
        var other = await browser.NewPageAsync(app.BaseUrl);
        await other.GotoAsync(link);
        await other.Locator("#reset-new").FillAsync("An0ther-password");
        await other.Locator("#reset-confirm").FillAsync("An0ther-password");
        await other.Locator("#reset-submit").ClickAsync();
        await Assertions.Expect(other.Locator("#account-error")).ToContainTextAsync("no longer valid");

        // And the audit log says who issued it for whom.
        await operatorPage.GotoInteractiveAsync("/console/audit");
        await Assertions.Expect(operatorPage.Locator("body")).ToContainTextAsync("user.password-reset-link");
    }
}
