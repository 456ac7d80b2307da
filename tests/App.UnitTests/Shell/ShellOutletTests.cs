using System.Security.Claims;
using App.UnitTests.Infrastructure;
using App.Web.Shell;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Shell;

/// <summary>ShellOutlet renders what a user sees: placements in order, links and components, and CSS that hides
/// an entry in the layout variants where it lives in another outlet.</summary>
public sealed class ShellOutletTests : MudComponentTest
{
    public ShellOutletTests()
    {
        var topology = new ShellTopology()
            .Map("shell.status", "shell-layout:top-right")
            .Map("shell.primary-nav", compact: "shell-layout:primary-menu", medium: "shell-layout:primary-menu", expanded: "shell-layout:top-left");
        var tokens = new ComponentTokenRegistry([new ComponentTokenRegistration("test.widget", typeof(TestWidget))]);
        Context.Services.AddSingleton(new PlacementRegistry(topology, tokens, [new PlacementSource("test",
        [
            new PlacementEntry { Id = "status.b", Target = "shell.status", ComponentToken = "test.widget", Order = 5, Props = new Dictionary<string, object?> { ["Label"] = "second" } },
            new PlacementEntry { Id = "status.a", Target = "shell.status", ComponentToken = "test.widget", Order = 1, Props = new Dictionary<string, object?> { ["Label"] = "first" } },
            new PlacementEntry { Id = "status.hidden", Target = "shell.status", ComponentToken = "test.widget", Surfaces = ["console"] },
            new PlacementEntry { Id = "nav.projects", Target = "shell.primary-nav", Kind = PlacementKind.Link, Text = "Projects", Href = "/w/{workspace}/projects" },
        ])]));
    }

    private IRenderedComponent<ShellOutlet> RenderOutlet(string outlet, string path, OutletPresentation presentation = OutletPresentation.Bar) =>
        Context.Render<ShellOutlet>(p => p
            .Add(o => o.Target, outlet)
            .Add(o => o.Presentation, presentation)
            .AddCascadingValue(ShellContext.For(path, new ClaimsPrincipal(new ClaimsIdentity()))));

    [Fact]
    public void Components_render_in_order_with_their_props()
    {
        var outlet = RenderOutlet("shell-layout:top-right", "/");

        Assert.Equal(["first", "second"], outlet.FindAll(".test-widget").Select(e => e.TextContent));
        Assert.Equal("shell-layout:top-right", outlet.Find(".shell-outlet").GetAttribute("data-outlet"));
        Assert.Empty(outlet.FindAll("[data-placement='status.hidden']"));
        Assert.DoesNotContain("shell-hide", outlet.Find("[data-placement='status.a']").ClassName);
    }

    [Fact]
    public void A_link_in_the_expanded_bar_is_hidden_in_compact_and_medium_layouts()
    {
        var bar = RenderOutlet("shell-layout:top-left", "/w/acme");

        var placement = bar.Find("[data-placement='nav.projects']");
        Assert.Contains("shell-hide-compact", placement.ClassName);
        Assert.Contains("shell-hide-medium", placement.ClassName);
        Assert.DoesNotContain("shell-hide-expanded", placement.ClassName);
        Assert.Equal("/w/acme/projects", placement.QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("Projects", placement.TextContent);
    }

    [Fact]
    public void The_same_link_in_the_menu_is_hidden_only_in_the_expanded_layout()
    {
        var menu = RenderOutlet("shell-layout:primary-menu", "/w/acme", OutletPresentation.Menu);

        var placement = menu.Find("[data-placement='nav.projects']");
        Assert.Contains("shell-hide-expanded", placement.ClassName);
        Assert.DoesNotContain("shell-hide-compact", placement.ClassName);
        Assert.NotNull(placement.QuerySelector(".mud-nav-link"));
    }

    [Fact]
    public void A_menu_link_is_marked_as_the_current_page_on_its_page_and_pages_under_it_only()
    {
        static AngleSharp.Dom.IElement Link(IRenderedComponent<ShellOutlet> menu) => menu.Find("[data-placement='nav.projects'] a.mud-nav-link");

        var here = RenderOutlet("shell-layout:primary-menu", "/w/acme/projects", OutletPresentation.Menu);
        Assert.Contains("active", Link(here).ClassList);
        Assert.Equal("page", Link(here).GetAttribute("aria-current"));

        var under = RenderOutlet("shell-layout:primary-menu", "/w/acme/projects/42", OutletPresentation.Menu);
        Assert.Contains("active", Link(under).ClassList);

        var elsewhere = RenderOutlet("shell-layout:primary-menu", "/w/acme/projects-archive", OutletPresentation.Menu);
        Assert.DoesNotContain("active", Link(elsewhere).ClassList);
        Assert.Null(Link(elsewhere).GetAttribute("aria-current"));
        Assert.Equal("Projects", Link(elsewhere).TextContent);
    }

    [Fact]
    public void Workspace_links_disappear_outside_a_workspace()
    {
        Assert.Empty(RenderOutlet("shell-layout:top-left", "/").FindAll("[data-placement]"));
    }
}
