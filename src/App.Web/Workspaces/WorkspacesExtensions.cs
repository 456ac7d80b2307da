using App.Web.Shell;
using MudBlazor;

namespace App.Web.Workspaces;

public static class WorkspacesExtensions
{
    /// <summary>Workspace pages (/w/{slug}/...) and their navigation placements.</summary>
    public static IServiceCollection AddWorkspaces(this IServiceCollection services)
    {
        services.AddComponentToken<WorkspaceSwitcher>("workspaces.web.switcher");
        services.AddPlacements("Workspaces",
            new PlacementEntry
            {
                Id = "workspaces.nav.projects", Target = "shell.primary-nav", Kind = PlacementKind.Link, Order = 100,
                Surfaces = ["app"], Text = "Projects", Href = "/w/{workspace}/projects", Icon = Icons.Material.Filled.Folder,
            });
        return services;
    }
}
