using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace App.E2E.Infrastructure;

public sealed record TestUser(string Name, string Email, string Password, string Slug);

/// <summary>What a person does with the account pages, through the real forms.</summary>
public static class UserFlows
{
    public const string Password = "Passw0rd-e2e";

    public static async Task<TestUser> RegisterAsync(IPage page, string name)
    {
        var email = $"{name.ToLowerInvariant().Replace(' ', '.')}.{Guid.NewGuid().ToString("N")[..6]}@example.test";
        await page.GotoAsync("/Account/Register");
        await page.Locator("#register-name").FillAsync(name);
        await page.Locator("#register-email").FillAsync(email);
        await page.Locator("#register-password").FillAsync(Password);
        await page.Locator("#register-confirm").FillAsync(Password);
        await page.Locator("#register-submit").ClickAsync();
        await page.WaitForURLAsync(new Regex("/w/[a-z0-9-]+$"));
        await page.WaitForInteractiveAsync();
        var slug = new Uri(page.Url).AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)[1];
        return new TestUser(name, email, Password, slug);
    }

    public static async Task SignInAsync(IPage page, TestUser user)
    {
        await page.GotoAsync("/Account/Login");
        await page.Locator("#login-email").FillAsync(user.Email);
        await page.Locator("#login-password").FillAsync(user.Password);
        await page.Locator("#login-submit").ClickAsync();
        await page.WaitForURLAsync(new Regex("/w/[a-z0-9-]+"));
        await page.WaitForInteractiveAsync();
    }

    /// <summary>Operator: adds <paramref name="member"/> to the workspace <paramref name="slug"/> from the console.</summary>
    public static async Task AddMemberAsync(IPage operatorPage, string slug, TestUser member)
    {
        await operatorPage.GotoInteractiveAsync("/console/workspaces");
        await operatorPage.Locator(".console-search input").FillAsync(slug);
        await operatorPage.Locator(".console-search-button").ClickAsync();
        var row = operatorPage.Locator("#console-workspaces tbody tr").Filter(new() { Has = operatorPage.Locator(".workspace-slug", new() { HasTextRegex = new Regex($"^{Regex.Escape(slug)}$") }) });
        await row.Locator(".workspace-members").ClickAsync();
        await operatorPage.Locator("#member-email").FillAsync(member.Email);
        await operatorPage.Locator("#member-add").ClickAsync();
        await Assertions.Expect(operatorPage.Locator("#workspace-detail .member-email", new() { HasText = member.Email })).ToBeVisibleAsync();
    }
}
