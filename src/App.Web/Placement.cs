using App.Web.Shell;
using MudBlazor;

namespace App.Web;

/// <summary>
/// The app-owned list of placements and the shell topology. Features add widgets here (or contribute their
/// own with <c>services.AddPlacements</c>) instead of editing the shell layout.
/// </summary>
public static class Placement
{
    /// <summary>Semantic target -> concrete outlet per layout variant (compact / medium / expanded).</summary>
    public static ShellTopology Topology { get; } = new ShellTopology()
        .Map("shell.brand", "shell-layout:top-left")
        .Map("shell.status", "shell-layout:top-right")
        .Map("shell.actions", "shell-layout:top-right")
        .Map("shell.primary-nav",
            compact: "shell-layout:primary-menu",
            medium: "shell-layout:primary-menu",
            expanded: "shell-layout:top-left")
        .Map("shell.secondary-nav", "shell-layout:secondary-menu")
        .Map("shell.user-menu", "shell-layout:user-menu")
        .Map("shell.footer", "shell-layout:footer");

    public static IReadOnlyList<PlacementEntry> Entries { get; } =
    [
        new() { Id = "shell.brand", Target = "shell.brand", Order = 0, ComponentToken = "shell.web.brand" },
        new()
        {
            Id = "shell.theme", Target = "shell.actions", Kind = PlacementKind.Component, Surfaces = ["*"], Order = 900,
            ComponentToken = "shell.web.theme-toggle",
        },
        new()
        {
            Id = "realtime.connection.indicator", Target = "shell.status", Kind = PlacementKind.Component,
            Surfaces = ["*"], Order = 950, ComponentToken = "realtime.web.connection.indicator",
        },
        new()
        {
            Id = "home.nav.home", Target = "shell.primary-nav", Kind = PlacementKind.Link, Order = 100,
            Surfaces = ["home"], Text = "Home", Href = "/", Icon = Icons.Material.Filled.Home,
        },
        new()
        {
            Id = "workspaces.nav.members", Target = "shell.primary-nav", Kind = PlacementKind.Link, Order = 200,
            Surfaces = ["app"], Text = "Members", Href = "/w/{workspace}/members", Icon = Icons.Material.Filled.Group,
        },
    ];
}
