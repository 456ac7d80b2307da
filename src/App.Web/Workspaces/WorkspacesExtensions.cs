using App.Web.Shell;
using MudBlazor;

namespace App.Web.Workspaces;

public static class WorkspacesExtensions
{
    /// <summary>Workspace pages (/w/{slug}/...), their navigation placements the workspace switcher and who is online (contributed
    /// here with its component token; the Members link is in Placement.cs).</summary>
    public static IServiceCollection AddWorkspaces(this IServiceCollection services)
    {
        services.AddComponentToken<WorkspaceSwitcher>("workspaces.web.switcher");
        services.AddComponentToken<OnlineNow>("workspaces.web.online-now");
        services.AddPlacements("Workspaces",
            new PlacementEntry
            {
                Id = "workspaces.switcher", Target = "shell.brand", Kind = PlacementKind.Component, Order = 10,
                Surfaces = ["home", "app"], ComponentToken = "workspaces.web.switcher", When = c => c.IsAuthenticated,
            },
            new PlacementEntry
            {
                // Before the connection indicator (950): who is here, then whether the page is live.
                Id = "workspaces.online-now", Target = "shell.status", Kind = PlacementKind.Component, Order = 940,
                Surfaces = ["app"], ComponentToken = "workspaces.web.online-now", When = c => c.IsAuthenticated,
            },
            new PlacementEntry
            {
                Id = "workspaces.nav.projects", Target = "shell.primary-nav", Kind = PlacementKind.Link, Order = 100,
                Surfaces = ["app"], Text = "Projects", Href = "/w/{workspace}/projects", Icon = Icons.Material.Filled.Folder,
            });
        return services;
    }
}
