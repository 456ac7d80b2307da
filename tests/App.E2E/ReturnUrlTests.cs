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
        page.Response += (_, r) => { if (r.Status >= 500) errors.Add($"{r.Status} {r.Url}"); };
        var ida = await UserFlows.RegisterAsync(page, "Ida Unicode");

        // Sign-out, as the user menu does it, with a crafted ReturnUrl (a person's form says "/").
        await page.EvaluateAsync("""
            () => { document.querySelector('#sign-out-form input[name=ReturnUrl]').value = '/w/café';
                    appShell.submit('sign-out-form'); }
            """);
        // Anonymous now, so /w/café sends the visitor to sign in and back there.
        await page.WaitForURLAsync(new Regex("/Account/Login\\?ReturnUrl=%2Fw%2Fcaf%25C3%25A9$|/Account/Login\\?ReturnUrl=%2Fw%2Fcaf%C3%A9$"));
        Assert.Empty(errors);

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
