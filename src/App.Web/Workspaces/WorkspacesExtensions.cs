using App.Web.Shell;
using MudBlazor;

namespace App.Web.Workspaces;

public static class WorkspacesExtensions
{
    /// <summary>Workspace pages (/w/{slug}/...), their navigation placements and the workspace switcher (contributed
    /// here with its component token; the Members link is in Placement.cs).</summary>
    public static IServiceCollection AddWorkspaces(this IServiceCollection services)
    {
        services.AddComponentToken<WorkspaceSwitcher>("workspaces.web.switcher");
        services.AddPlacements("Workspaces",
            new PlacementEntry
            {
                Id = "workspaces.switcher", Target = "shell.brand", Kind = PlacementKind.Component, Order = 10,
                Surfaces = ["home", "app"], ComponentToken = "workspaces.web.switcher", When = c => c.IsAuthenticated,
            },
            new PlacementEntry
            {
                Id = "workspaces.nav.projects", Target = "shell.primary-nav", Kind = PlacementKind.Link, Order = 100,
                Surfaces = ["app"], Text = "Projects", Href = "/w/{workspace}/projects", Icon = Icons.Material.Filled.Folder,
            });
        return services;
    }
}
