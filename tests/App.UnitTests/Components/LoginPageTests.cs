using App.UnitTests.Infrastructure;
using App.Web.Auth.Pages;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace App.UnitTests.Components;

public sealed class LoginPageTests(DatabaseFixture fixture) : AccountPageTest(fixture), IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task The_form_posts_email_password_and_remember_me()
    {
        await ArrangeAsync();
        IRenderedComponent<IComponent> cut = Context.Render<Login>();
        AssertPostedForm(cut, ("login-email", "Input.Email"), ("login-password", "Input.Password"));
        Assert.NotNull(cut.Find("input[type=checkbox][name='Input.RememberMe']"));
        Assert.Equal("/Account/Register", cut.Find("a[href^='/Account/Register']").GetAttribute("href"));
    }

    [Fact]
    public async Task Empty_and_malformed_input_is_reported_next_to_the_field()
    {
        await ArrangeAsync();
        IRenderedComponent<IComponent> cut = Context.Render<Login>();
        Submit(cut);
        Assert.Contains(MessagesFor(cut, "login-email"), m => m.Contains("required"));
        Assert.Contains(MessagesFor(cut, "login-password"), m => m.Contains("required"));

        Type(cut, "login-email", "nobody");
        Type(cut, "login-password", new string('p', 129));
        Submit(cut);
        Assert.Contains(MessagesFor(cut, "login-email"), m => m.Contains("not a valid e-mail"));
        Assert.Contains(MessagesFor(cut, "login-password"), m => m.Contains("128"));
    }

    [Fact]
    public async Task An_unknown_account_and_a_wrong_password_read_the_same()
    {
        await ArrangeAsync();
        var (_, email) = await RegisterAsync("Known");

        string ErrorFor(string tryEmail)
        {
            IRenderedComponent<IComponent> cut = Context.Render<Login>();
            Type(cut, "login-email", tryEmail);
            Type(cut, "login-password", "Wrong-passw0rd");
            Submit(cut);
            return cut.WaitForElement("#account-error").TextContent;
        }

        Assert.Equal("Invalid email or password.", ErrorFor(email));
        Assert.Equal("Invalid email or password.", ErrorFor("nobody@example.test"));
    }
}
