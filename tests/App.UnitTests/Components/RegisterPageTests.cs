using App.Domain.Persistence;
using App.UnitTests.Infrastructure;
using App.Web.Auth.Pages;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Components;

public sealed class RegisterPageTests(DatabaseFixture fixture) : AccountPageTest(fixture), IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task The_form_posts_every_field()
    {
        await ArrangeAsync();
        IRenderedComponent<IComponent> cut = Context.Render<Register>();
        AssertPostedForm(cut, ("register-name", "Input.DisplayName"), ("register-email", "Input.Email"),
            ("register-password", "Input.Password"), ("register-confirm", "Input.ConfirmPassword"));
        Assert.Equal("password", cut.Find("#register-password").GetAttribute("type"));
        Assert.Equal("submit", cut.Find("#register-submit").GetAttribute("type"));
    }

    [Fact]
    public async Task An_empty_form_says_what_is_required_and_creates_nothing()
    {
        await ArrangeAsync();
        var before = await CountUsersAsync();
        IRenderedComponent<IComponent> cut = Context.Render<Register>();

        Submit(cut);

        Assert.Contains(MessagesFor(cut, "register-name"), m => m.Contains("required"));
        Assert.Contains(MessagesFor(cut, "register-email"), m => m.Contains("required"));
        Assert.Contains(MessagesFor(cut, "register-password"), m => m.Contains("required"));
        Assert.Equal(before, await CountUsersAsync());
    }

    [Fact]
    public async Task A_long_name_a_short_password_and_a_mismatch_are_each_reported_next_to_their_field()
    {
        await ArrangeAsync();
        IRenderedComponent<IComponent> cut = Context.Render<Register>();
        Type(cut, "register-name", new string('x', 101));
        Type(cut, "register-email", "not-an-email");
        Type(cut, "register-password", "short");
        Type(cut, "register-confirm", "different");

        Submit(cut);

        Assert.Contains(MessagesFor(cut, "register-name"), m => m.Contains("100"));
        Assert.Contains(MessagesFor(cut, "register-email"), m => m.Contains("not a valid e-mail"));
        Assert.Contains(MessagesFor(cut, "register-password"), m => m.Contains("minimum length of 8"));
        Assert.Contains("The passwords do not match.", MessagesFor(cut, "register-confirm"));
    }

    [Fact]
    public async Task A_weak_password_and_a_taken_email_come_back_from_the_server_and_the_input_is_kept()
    {
        await ArrangeAsync();
        var (_, takenEmail) = await RegisterAsync("Taken");
        IRenderedComponent<IComponent> cut = Context.Render<Register>();
        Type(cut, "register-name", "Second Comer");
        Type(cut, "register-email", takenEmail);
        Type(cut, "register-password", "alllowercase");
        Type(cut, "register-confirm", "alllowercase");

        Submit(cut);

        Assert.Contains("An account with this email already exists.", MessagesFor(cut, "register-email"));
        Assert.Contains(MessagesFor(cut, "register-password"), m => m.Contains("digit"));
        Assert.Equal("Second Comer", cut.Find("#register-name").GetAttribute("value"));
    }

    private async Task<int> CountUsersAsync()
    {
        await using var db = await Domain.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Users.CountAsync();
    }
}
