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
        services.AddScoped<SavedThemes>();
        services.AddSingleton<ComponentTokenRegistry>();
        services.AddSingleton<PlacementRegistry>();
        return services;
    }

    /// <summary>Where static pages' theme button saves a signed-in user's choice.</summary>
    public const string ThemeEndpoint = "/Account/Theme";

    /// <summary>POST /Account/Theme, form field <c>theme</c> (antiforgery-checked: the form field is bound): saves the
    /// signed-in user's choice and this browser's cookie. The interactive toggle saves through <see cref="SavedThemes"/>
    /// directly; static pages have no circuit, so their button posts here.</summary>
    public static IEndpointRouteBuilder MapShell(this IEndpointRouteBuilder app)
    {
        app.MapPost(ThemeEndpoint, async ([Microsoft.AspNetCore.Mvc.FromForm(Name = "theme")] string? theme, HttpContext context, SavedThemes themes) =>
        {
            if (ThemePreference.Parse(theme) is not { } choice)
                return Results.Problem($"theme must be one of {string.Join(", ", ThemePreference.All)}.", statusCode: StatusCodes.Status400BadRequest);
            await themes.SaveAsync(context.User, choice);
            context.Response.Cookies.Append(ThemePreference.CookieName, choice,
                new CookieOptions { Path = "/", MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax });
            return Results.NoContent();
        }).RequireAuthorization();
        return app;
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
