using App.UnitTests.Infrastructure;
using App.Web.Shell;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace App.UnitTests.Shell;

public sealed class ThemeToggleTests : MudComponentTest
{
    [Fact]
    public void A_visitor_picking_dark_switches_the_page_in_the_browser()
    {
        Context.AddAuthorization();
        Context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Context.JSInterop.Setup<string?>("appTheme.get").SetResult("system");
        var set = Context.JSInterop.SetupVoid("appTheme.set", "dark");
        var cut = Context.Render<ThemeToggle>();
        Assert.Equal("Theme: Same as system", cut.Find("#theme-menu button").GetAttribute("aria-label"));

        cut.Find("#theme-menu button").Click();
        Assert.Equal("true", cut.Find("#theme-system").GetAttribute("aria-checked"));
        Assert.Equal("menuitemradio", cut.Find("#theme-dark").GetAttribute("role"));
        cut.Find("#theme-dark").Click();

        Assert.Single(set.Invocations);
        cut.WaitForAssertion(() => Assert.Equal("Theme: Dark", cut.Find("#theme-menu button").GetAttribute("aria-label")));
        Assert.Empty(cut.FindAll("[role=menu]"));
    }

    [Fact]
    public void On_a_static_page_it_is_a_button_the_browser_cycles_with_every_choice_drawn()
    {
        Context.AddAuthorization();
        Context.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var cut = Context.Render<ThemeToggle>();
        var button = cut.Find("#theme-cycle");
        Assert.True(button.HasAttribute("data-theme-cycle"));
        Assert.Equal(["system", "light", "dark"], cut.FindAll(".shell-theme-icon").Select(i => i.GetAttribute("data-for")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void On_a_static_page_a_signed_in_user_gets_the_form_that_saves_the_choice_for_them(bool signedIn)
    {
        var auth = Context.AddAuthorization();
        if (signedIn) auth.SetAuthorized("ada@example.test");
        Context.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var cut = Context.Render<ThemeToggle>();

        var forms = cut.FindAll("form#theme-save");
        if (!signedIn)
        {
            Assert.Empty(forms);
            return;
        }
        var form = Assert.Single(forms);
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal(ShellExtensions.ThemeEndpoint, form.GetAttribute("action"));
    }
}
