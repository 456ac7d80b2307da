using App.Web.Configuration;
using App.Web.Shell;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace App.Web.Realtime;

public static class RealtimeExtensions
{
    /// <summary>The event bridge, the audience index, per-circuit subscriptions, the connection indicator and
    /// the realtime notices placement.</summary>
    public static IServiceCollection AddRealtime(this IServiceCollection services, AppSettings settings)
    {
        services.AddSingleton<RealtimeMetrics>();
        services.AddSingleton<RealtimeAudience>();
        services.AddSingleton<RealtimeSequence>();
        services.AddSingleton<RealtimeTail>();
        services.AddSingleton<RealtimeBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<RealtimeBridge>());
        services.AddScoped<CircuitRealtime>();
        services.AddScoped<IRealtimeEvents>(sp => sp.GetRequiredService<CircuitRealtime>());
        services.AddScoped<CircuitHandler, RealtimeCircuitHandler>();

        services.AddComponentToken<ConnectionIndicator>("realtime.web.connection.indicator");
        services.AddComponentToken<RealtimeNotices>("realtime.web.notices");
        services.AddPlacements("Realtime", new PlacementEntry
        {
            Id = "realtime.notices", Target = "shell.status", Order = 960, ComponentToken = "realtime.web.notices",
        });
        return services;
    }
}
