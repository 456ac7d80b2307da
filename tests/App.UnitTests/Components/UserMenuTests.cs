using App.UnitTests.Infrastructure;
using App.Web.Auth;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace App.UnitTests.Components;

public sealed class UserMenuTests : MudComponentTest
{
    [Fact]
    public void Visitors_get_sign_in_and_register_links()
    {
        Context.AddAuthorization();
        Context.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var cut = Context.Render<UserMenu>();
        Assert.Equal("/Account/Login", cut.Find("#sign-in-link").GetAttribute("href"));
        Assert.Empty(cut.FindAll("#sign-out-form"));
    }

    [Fact]
    public void Signed_in_users_get_their_name_and_a_sign_out_post_form()
    {
        var auth = Context.AddAuthorization();
        Context.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        auth.SetAuthorized("ada@example.test");
        auth.SetClaims(new System.Security.Claims.Claim(AppClaims.DisplayName, "Ada"));
        var cut = Context.Render<UserMenu>();
        Assert.Contains("Ada", cut.Markup);
        var form = cut.Find("#sign-out-form");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("/Account/Logout", form.GetAttribute("action"));
        Assert.Empty(cut.FindAll("#sign-in-link"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Only_operators_get_console_navigation(bool isOperator)
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        App.Web.Console.ConsoleExtensions.AddConsole(services);
        var sources = services.Select(d => d.ImplementationInstance).OfType<App.Web.Shell.PlacementSource>().ToList();
        var registry = new App.Web.Shell.PlacementRegistry(App.Web.Placement.Topology, new App.Web.Shell.ComponentTokenRegistry([]), sources);
        var claims = isOperator ? new[] { new System.Security.Claims.Claim(AppClaims.Operator, "true") } : [];
        var user = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(claims, "test"));

        var onHome = registry.ForOutlet("shell-layout:top-left", App.Web.Shell.ShellContext.For("/", user));
        var onConsole = registry.ForOutlet("shell-layout:top-left", App.Web.Shell.ShellContext.For("/console", user));

        Assert.Equal(isOperator, onHome.Any(p => p.Href == "/console"));
        Assert.Equal(isOperator ? 5 : 0, onConsole.Count);
    }
}
