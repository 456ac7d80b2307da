using App.Web.Shell;
using MudBlazor;

namespace App.Web.Console;

public static class ConsoleExtensions
{
    /// <summary>The operator console pages and their navigation (visible to operators only).</summary>
    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddPlacements("Console",
            Link("console.nav.entry", "shell.primary-nav", ["home", "app", "account"], 900, "Console", "/console", Icons.Material.Filled.AdminPanelSettings),
            Link("console.nav.overview", "shell.primary-nav", ["console"], 100, "Overview", "/console", Icons.Material.Filled.Dashboard),
            Link("console.nav.users", "shell.primary-nav", ["console"], 110, "Users", "/console/users", Icons.Material.Filled.People),
            Link("console.nav.workspaces", "shell.primary-nav", ["console"], 120, "Workspaces", "/console/workspaces", Icons.Material.Filled.Workspaces),
            Link("console.nav.audit", "shell.primary-nav", ["console"], 130, "Audit", "/console/audit", Icons.Material.Filled.History),
            Link("console.nav.realtime", "shell.primary-nav", ["console"], 140, "Realtime", "/console/realtime", Icons.Material.Filled.Bolt),
            Link("console.nav.shell", "shell.secondary-nav", ["console"], 900, "Shell placements", "/console/shell", Icons.Material.Filled.ViewQuilt));
        return services;
    }

    private static PlacementEntry Link(string id, string target, string[] surfaces, int order, string text, string href, string icon) => new()
    {
        Id = id, Target = target, Kind = PlacementKind.Link, Surfaces = surfaces, Order = order, Text = text, Href = href, Icon = icon,
        When = c => c.IsOperator,
    };
}
