using Microsoft.Extensions.DependencyInjection;
using System.Security.Claims;
using App.Web.Auth;
using App.Web.Shell;

namespace App.UnitTests.Shell;

public sealed class PlacementRegistryTests
{
    private static readonly ShellTopology Topology = new ShellTopology()
        .Map("shell.status", "shell-layout:top-right")
        .Map("shell.primary-nav", compact: "shell-layout:primary-menu", medium: "shell-layout:primary-menu", expanded: "shell-layout:top-left")
        .Map("shell.footer", "shell-layout:footer");

    private static readonly ComponentTokenRegistry Tokens = new([new ComponentTokenRegistration("test.widget", typeof(TestWidget))]);

    private static PlacementRegistry Registry(params PlacementEntry[] entries) =>
        new(Topology, Tokens, [new PlacementSource("test", entries)]);

    private static PlacementEntry Link(string id, string target = "shell.primary-nav", int order = 1000, string[]? surfaces = null,
        Func<ShellContext, bool>? when = null, string href = "/x") =>
        new() { Id = id, Target = target, Kind = PlacementKind.Link, Order = order, Surfaces = surfaces ?? ["*"], When = when, Text = id, Href = href };

    private static ShellContext On(string path, bool signedIn = false, bool isOperator = false)
    {
        var claims = new List<Claim>();
        if (isOperator) claims.Add(new Claim(AppClaims.Operator, "true"));
        var identity = signedIn ? new ClaimsIdentity(claims, "test") : new ClaimsIdentity();
        return ShellContext.For(path, new ClaimsPrincipal(identity));
    }

    [Fact]
    public void Entries_render_by_order_then_by_id()
    {
        var registry = Registry(Link("b", order: 10), Link("a", order: 10), Link("z", order: 1), Link("c"));

        var ids = registry.ForOutlet("shell-layout:top-left", On("/")).Select(p => p.Entry.Id);

        Assert.Equal(["z", "a", "b", "c"], ids);
    }

    [Fact]
    public void Surfaces_filter_entries_and_star_means_every_surface()
    {
        var registry = Registry(Link("everywhere"), Link("home-only", surfaces: ["home"]), Link("app-and-console", surfaces: ["app", "console"]));

        string[] On(string path) => registry.ForOutlet("shell-layout:top-left", PlacementRegistryTests.On(path)).Select(p => p.Entry.Id).ToArray();

        Assert.Equal(["everywhere", "home-only"], On("/"));
        Assert.Equal(["everywhere"], On("/Account/Login"));
        Assert.Equal(["app-and-console", "everywhere"], On("/w/acme/projects"));
        Assert.Equal(["app-and-console", "everywhere"], On("/console/users"));
    }

    [Fact]
    public void When_is_evaluated_against_the_current_user()
    {
        var registry = Registry(Link("operators", when: c => c.IsOperator), Link("signed-in", when: c => c.IsAuthenticated));

        Assert.Empty(registry.ForOutlet("shell-layout:top-left", On("/")));
        Assert.Equal(["signed-in"], registry.ForOutlet("shell-layout:top-left", On("/", signedIn: true)).Select(p => p.Entry.Id));
        Assert.Equal(2, registry.ForOutlet("shell-layout:top-left", On("/", signedIn: true, isOperator: true)).Count);
    }

    [Fact]
    public void Topology_resolves_each_variant_to_its_outlet()
    {
        var registry = Registry(Link("nav"), new PlacementEntry { Id = "dot", Target = "shell.status", ComponentToken = "test.widget" });
        var nav = registry.All.Single(e => e.Id == "nav");
        var dot = registry.All.Single(e => e.Id == "dot");

        Assert.Equal("shell-layout:primary-menu", registry.Resolve(nav, LayoutVariant.Compact));
        Assert.Equal("shell-layout:primary-menu", registry.Resolve(nav, LayoutVariant.Medium));
        Assert.Equal("shell-layout:top-left", registry.Resolve(nav, LayoutVariant.Expanded));
        Assert.All(ShellTopology.Variants, v => Assert.Equal("shell-layout:top-right", registry.Resolve(dot, v)));

        var inMenu = Assert.Single(registry.ForOutlet("shell-layout:primary-menu", On("/")));
        Assert.Equal([LayoutVariant.Compact, LayoutVariant.Medium], inMenu.Variants.Order());
        var inBar = Assert.Single(registry.ForOutlet("shell-layout:top-left", On("/")));
        Assert.Equal([LayoutVariant.Expanded], inBar.Variants);
        Assert.True(Assert.Single(registry.ForOutlet("shell-layout:top-right", On("/"))).InEveryVariant);
        Assert.Equal(typeof(TestWidget), registry.ForOutlet("shell-layout:top-right", On("/"))[0].Component);
    }

    [Fact]
    public void Workspace_links_expand_to_the_current_workspace_and_hide_outside_one()
    {
        var registry = Registry(Link("projects", href: "/w/{workspace}/projects"));

        Assert.Equal("/w/acme-2/projects", Assert.Single(registry.ForOutlet("shell-layout:top-left", On("/w/acme-2"))).Href);
        Assert.Empty(registry.ForOutlet("shell-layout:top-left", On("/")));
    }

    [Fact]
    public void The_app_placement_file_is_valid()
    {
        var registry = new PlacementRegistry(App.Web.Placement.Topology,
            new ComponentTokenRegistry([new("shell.web.brand", typeof(TestWidget))]),
            [new PlacementSource("Placement.cs", App.Web.Placement.Entries.Where(e => e.ComponentToken is null or "shell.web.brand").ToList())]);
        Assert.NotEmpty(registry.All);
    }

    [Theory]
    [MemberData(nameof(StartupErrors))]
    public void Mistakes_fail_at_start_up_with_a_message_naming_the_entry(PlacementEntry[] entries, string expected)
    {
        var error = Assert.Throws<PlacementException>(() => Registry(entries));
        Assert.Contains(expected, error.Message);
    }

    public static TheoryData<PlacementEntry[], string> StartupErrors => new()
    {
        { [Link("twice"), Link("twice")], "placement 'twice' (test): duplicate Id" },
        { [Link("lost", target: "shell.nowhere")], "placement 'lost' (test): unknown target 'shell.nowhere'" },
        { [new PlacementEntry { Id = "ghost", Target = "shell.status", ComponentToken = "no.such.token" }], "unknown ComponentToken 'no.such.token'" },
        { [new PlacementEntry { Id = "direct", Target = "shell-layout:top-right", ComponentToken = "test.widget" }], "targets the concrete outlet 'shell-layout:top-right'" },
        { [new PlacementEntry { Id = "tokenless", Target = "shell.status" }], "placement 'tokenless' (test): a Component entry needs a ComponentToken" },
        { [new PlacementEntry { Id = "hrefless", Target = "shell.status", Kind = PlacementKind.Link, Text = "x" }], "a Link entry needs Text and Href" },
        { [Link("offsite", href: "https://evil.example")], "must be an app-relative path" },
        { [Link("moon", surfaces: ["moon"])], "unknown surface 'moon'" },
        { [new PlacementEntry { Id = "wanderer", Target = "shell.primary-nav", ComponentToken = "test.widget" }], "placement 'wanderer' (test): 'shell.primary-nav' moves between outlets" },
    };

    /// <summary>A host with the shell and the component tokens Placement.cs uses.</summary>
    private static Microsoft.AspNetCore.Builder.WebApplicationBuilder ShellHost()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        builder.Services.AddShell();
        builder.Services.AddComponentToken<App.Web.Realtime.ConnectionIndicator>("realtime.web.connection.indicator");
        return builder;
    }

    [Fact]
    public void A_bad_placement_stops_the_app_with_one_startup_message()
    {
        var builder = ShellHost();
        builder.Services.AddPlacements("a feature", new PlacementEntry { Id = "shell.brand", Target = "shell.status", ComponentToken = "shell.web.brand" });
        var app = builder.Build();

        var error = Assert.Throws<App.Web.Configuration.StartupException>(() => app.ValidateShell());

        Assert.StartsWith("shell: placement 'shell.brand' (a feature): duplicate Id, already declared in Placement.cs", error.Message);
    }

    [Fact]
    public void The_real_shell_places_the_connection_indicator_in_the_top_right_on_every_surface_and_variant()
    {
        var builder = ShellHost();
        var app = builder.Build();
        app.ValidateShell();
        var registry = app.Services.GetRequiredService<PlacementRegistry>();

        var indicator = Assert.Single(App.Web.Placement.Entries, e => e.Id == "realtime.connection.indicator");
        Assert.Equal(("shell.status", PlacementKind.Component, 950, "realtime.web.connection.indicator"),
            (indicator.Target, indicator.Kind, indicator.Order, indicator.ComponentToken));
        Assert.Equal(["*"], indicator.Surfaces);
        foreach (var variant in ShellTopology.Variants)
            Assert.Equal("shell-layout:top-right", registry.Resolve(indicator, variant));
    }

    [Fact]
    public void Internal_entries_may_target_a_concrete_outlet()
    {
        var registry = Registry(new PlacementEntry { Id = "internal", Target = "shell-layout:footer", ComponentToken = "test.widget", Internal = true });
        Assert.Single(registry.ForOutlet("shell-layout:footer", On("/")));
    }

    [Fact]
    public void An_unknown_token_in_the_token_registry_is_refused_twice_registered()
    {
        var error = Assert.Throws<ArgumentException>(() => new ComponentTokenRegistry(
            [new("dup", typeof(TestWidget)), new("dup", typeof(TestWidget))]));
        Assert.Contains("registered twice", error.Message);
    }

    [Fact]
    public void Surfaces_come_from_the_route()
    {
        Assert.Equal(ShellSurfaces.Home, ShellSurfaces.FromPath("/"));
        Assert.Equal(ShellSurfaces.Home, ShellSurfaces.FromPath("/workshop"));
        Assert.Equal(ShellSurfaces.Account, ShellSurfaces.FromPath("/Account/Login"));
        Assert.Equal(ShellSurfaces.App, ShellSurfaces.FromPath("/w/acme/projects"));
        Assert.Equal(ShellSurfaces.Console, ShellSurfaces.FromPath("/console"));
        Assert.Equal(ShellSurfaces.Console, ShellSurfaces.FromPath("/console/users?q=a"));
        Assert.Equal("acme", ShellSurfaces.WorkspaceSlug("/w/acme/projects?x=1"));
        Assert.Null(ShellSurfaces.WorkspaceSlug("/console"));
    }
}
