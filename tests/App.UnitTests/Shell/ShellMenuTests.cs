using App.UnitTests.Infrastructure;
using App.Web.Shell;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace App.UnitTests.Shell;

/// <summary>The app bar's menu: a button until opened; its items only while open; closed by an item, a click
/// elsewhere or Escape.</summary>
public sealed class ShellMenuTests : MudComponentTest
{
    private readonly List<string> clicked = [];

    private IRenderedComponent<ShellMenu> RenderMenu() => Context.Render<ShellMenu>(p => p
        .Add(m => m.Label, "Ada Lovelace")
        .Add(m => m.AriaLabel, "Account menu for Ada Lovelace")
        .AddUnmatched("id", "user-menu")
        .Add(m => m.ChildContent, (RenderFragment)(b =>
        {
            b.OpenComponent<ShellMenuItem>(0);
            b.AddComponentParameter(1, nameof(ShellMenuItem.Href), "/Account/Manage");
            b.AddComponentParameter(2, nameof(ShellMenuItem.ChildContent), (RenderFragment)(c => c.AddContent(0, "Profile")));
            b.CloseComponent();
            b.OpenComponent<ShellMenuItem>(3);
            b.AddComponentParameter(4, nameof(ShellMenuItem.OnClick), EventCallback.Factory.Create(this, () => clicked.Add("sign out")));
            b.AddComponentParameter(5, "id", "sign-out");
            b.AddComponentParameter(6, nameof(ShellMenuItem.ChildContent), (RenderFragment)(c => c.AddContent(0, "Sign out")));
            b.CloseComponent();
        })));

    [Fact]
    public void Closed_it_is_one_named_button_and_no_items()
    {
        var menu = RenderMenu();

        var button = menu.Find("#user-menu button");
        Assert.Equal("Ada Lovelace", button.TextContent.Trim());
        Assert.Equal("Account menu for Ada Lovelace", button.GetAttribute("aria-label"));
        Assert.Equal("false", button.GetAttribute("aria-expanded"));
        Assert.Empty(menu.FindAll("[role=menuitem]"));
    }

    [Fact]
    public void Opened_it_lists_its_items_and_an_item_runs_its_action_and_closes_it()
    {
        var menu = RenderMenu();

        menu.Find("#user-menu button").Click();
        Assert.Equal("true", menu.Find("#user-menu button").GetAttribute("aria-expanded"));
        var list = menu.Find("[role=menu]");
        Assert.Equal(list.Id, menu.Find("#user-menu button").GetAttribute("aria-controls"));
        Assert.Equal(["Profile", "Sign out"], menu.FindAll("[role=menuitem]").Select(i => i.TextContent.Trim()));
        Assert.Equal("/Account/Manage", menu.Find("a[role=menuitem]").GetAttribute("href"));

        menu.Find("#sign-out").Click(); // bubbles to the list, which closes the menu

        Assert.Equal(["sign out"], clicked);
        Assert.Empty(menu.FindAll("[role=menu]"));
        Assert.Equal("false", menu.Find("#user-menu button").GetAttribute("aria-expanded"));
    }

    [Fact]
    public void A_click_elsewhere_or_Escape_closes_it_and_the_button_toggles_it()
    {
        var menu = RenderMenu();

        menu.Find("#user-menu button").Click();
        menu.Find(".shell-menu-away").Click();
        Assert.Empty(menu.FindAll("[role=menu]"));

        menu.Find("#user-menu button").Click();
        menu.Find(".shell-menu").KeyDown(new KeyboardEventArgs { Key = "Escape" });
        Assert.Empty(menu.FindAll("[role=menu]"));

        menu.Find("#user-menu button").Click();
        menu.Find("#user-menu button").Click();
        Assert.Empty(menu.FindAll("[role=menu]"));
        Assert.Empty(clicked);
    }
}
