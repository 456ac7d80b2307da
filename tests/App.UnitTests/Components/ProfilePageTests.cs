using System.Security.Claims;
using App.UnitTests.Infrastructure;
using App.Web.Auth.Pages;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;

namespace App.UnitTests.Components;

/// <summary>Profile reads the signed-in user from the request's HttpContext, supplied here as the cascading value
/// the server would give it. Saving refreshes the sign-in cookie, which needs a real request: the name change
/// itself is covered by AccountLifecycleTests in App.E2E.</summary>
public sealed class ProfilePageTests(DatabaseFixture fixture) : AccountPageTest(fixture), IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task It_shows_the_account_and_its_current_display_name()
    {
        await ArrangeAsync();
        var cut = await RenderForAsync("Profile Owner");
        Assert.EndsWith("@example.test", cut.Find("#profile-email").TextContent);
        Assert.Equal("Profile Owner", cut.Find("#profile-name").GetAttribute("value"));
        AssertPostedForm(cut, ("profile-name", "Input.DisplayName"));
    }

    [Fact]
    public async Task An_empty_or_over_long_name_is_refused_next_to_the_field()
    {
        await ArrangeAsync();
        var cut = await RenderForAsync("Profile Owner");

        Type(cut, "profile-name", "");
        Submit(cut);
        Assert.Contains(MessagesFor(cut, "profile-name"), m => m.Contains("required"));

        Type(cut, "profile-name", new string('n', 101));
        Submit(cut);
        Assert.Contains(MessagesFor(cut, "profile-name"), m => m.Contains("100"));
        Assert.Empty(cut.FindAll("#account-success"));
    }

    private async Task<IRenderedComponent<IComponent>> RenderForAsync(string name)
    {
        var (id, _) = await RegisterAsync(name);
        var http = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id)], "test")),
        };
        http.Request.Method = "GET";
        return Context.Render<CascadingValue<HttpContext>>(p => p
            .Add(c => c.Value, http)
            .AddChildContent<Profile>());
    }
}
