using App.Web.Configuration;

namespace App.Web.Shell;

public static class ShellExtensions
{
    /// <summary>The shell: topology and placements from Placement.cs, plus whatever features contribute
    /// with <see cref="AddPlacements"/> and <see cref="AddComponentToken{TComponent}"/>.</summary>
    public static IServiceCollection AddShell(this IServiceCollection services)
    {
        services.AddSingleton(Placement.Topology);
        services.AddSingleton(new PlacementSource("Placement.cs", Placement.Entries));
        services.AddComponentToken<ShellBrand>("shell.web.brand");
        services.AddComponentToken<ThemeToggle>("shell.web.theme-toggle");
        services.AddSingleton<DarkThemeStylesheet>();
        services.AddSingleton<ComponentTokenRegistry>();
        services.AddSingleton<PlacementRegistry>();
        return services;
    }

    public static IServiceCollection AddPlacements(this IServiceCollection services, string origin, params PlacementEntry[] entries) =>
        services.AddSingleton(new PlacementSource(origin, entries));

    public static IServiceCollection AddComponentToken<TComponent>(this IServiceCollection services, string token)
        where TComponent : Microsoft.AspNetCore.Components.IComponent =>
        services.AddSingleton(new ComponentTokenRegistration(token, typeof(TComponent)));

    /// <summary>Builds and validates the placement registry now, so a bad placement stops start-up.</summary>
    public static WebApplication ValidateShell(this WebApplication app)
    {
        try
        {
            app.Services.GetRequiredService<PlacementRegistry>();
        }
        catch (Exception ex) when (ex is PlacementException or ArgumentException)
        {
            throw new StartupException($"shell: {ex.Message}", ex);
        }
        return app;
    }
}
