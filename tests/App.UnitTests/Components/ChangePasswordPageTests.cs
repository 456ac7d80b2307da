using App.UnitTests.Infrastructure;
using App.Web.Auth.Pages;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace App.UnitTests.Components;

/// <summary>The checks that run before the server is asked (changing the password itself needs the signed-in
/// request, and is covered by AccountLifecycleTests in App.E2E).</summary>
public sealed class ChangePasswordPageTests(DatabaseFixture fixture) : AccountPageTest(fixture), IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task The_form_posts_the_three_password_fields()
    {
        await ArrangeAsync();
        IRenderedComponent<IComponent> cut = Context.Render<ChangePassword>();
        AssertPostedForm(cut, ("password-old", "Input.OldPassword"), ("password-new", "Input.NewPassword"),
            ("password-confirm", "Input.ConfirmPassword"));
        Assert.All(cut.FindAll("input"), i => Assert.Equal("password", i.GetAttribute("type")));
    }

    [Fact]
    public async Task Missing_short_and_mismatched_passwords_are_reported_next_to_the_field()
    {
        await ArrangeAsync();
        IRenderedComponent<IComponent> cut = Context.Render<ChangePassword>();
        Type(cut, "password-new", "short");
        Type(cut, "password-confirm", "shorter");

        Submit(cut);

        Assert.Contains(MessagesFor(cut, "password-old"), m => m.Contains("required"));
        Assert.Contains(MessagesFor(cut, "password-new"), m => m.Contains("minimum length of 8"));
        Assert.Contains("The passwords do not match.", MessagesFor(cut, "password-confirm"));
        Assert.Empty(cut.FindAll("#account-success"));
    }
}
