using System.Text.RegularExpressions;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>A non-ASCII ReturnUrl (a workspace link such as /w/café) on sign-in and sign-out redirects, never 500s.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReturnUrlTests(BrowserFixture browser) : IAsyncLifetime
{
    private AppProcess app = null!;

    public async Task InitializeAsync() => app = await AppProcess.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Sign_in_and_sign_out_with_a_non_ascii_return_url_redirect_there()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        var errors = new List<string>();
        page.Context.Response += (_, r) => { if (r.Status >= 500) errors.Add($"{r.Status} {r.Url}"); };
        var ida = await UserFlows.RegisterAsync(page, "Ida Unicode");

        // Sign-out with a crafted ReturnUrl (the sign-out page's form says "/"), posted with the page's cookie and antiforgery
        // token. Checked on the response itself: a page left open would be reloaded by its own circuit on sign-out.
        await page.GotoAsync("/Account/SignOut"); // opened directly (not from the menu), it only offers the form
        var antiforgery = await page.Locator("#sign-out-confirm input[name=__RequestVerificationToken]").GetAttributeAsync("value");
        var context = page.Context;
        await page.CloseAsync();
        var signOut = await context.APIRequest.PostAsync("/Account/Logout", new()
        {
            Form = context.APIRequest.CreateFormData().Set("ReturnUrl", "/w/café").Set("__RequestVerificationToken", antiforgery!),
            MaxRedirects = 0,
        });
        Assert.Equal(302, signOut.Status);
        Assert.Equal("/w/caf%C3%A9", signOut.Headers["location"]);

        page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login?ReturnUrl=%2Fw%2Fcaf%C3%A9");
        await page.Locator("#login-email").FillAsync(ida.Email);
        await page.Locator("#login-password").FillAsync(ida.Password);
        await page.Locator("#login-submit").ClickAsync();
        await page.WaitForURLAsync(new Regex("/w/caf%C3%A9$"));
        // No such workspace: the signed-in user sees the not-found page, not an error.
        await Assertions.Expect(page.Locator("#not-found")).ToBeVisibleAsync();
        Assert.Empty(errors);
    }
}
