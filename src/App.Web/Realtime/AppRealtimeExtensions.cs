using App.Realtime;
using App.Realtime.Redis;
using App.Web.Configuration;
using App.Web.Health;
using App.Web.Realtime.Clients;
using App.Web.Shell;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace App.Web.Realtime;

/// <summary>How this app uses the realtime library: workspace topics and rules, domain events forwarded after
/// commit, the hub and SSE for other clients (token authenticated), and Redis fan-out when REALTIME_REDIS_URL is
/// set (otherwise no Redis code runs at all).</summary>
public static class AppRealtimeExtensions
{
    public static IServiceCollection AddAppRealtime(this IServiceCollection services, AppSettings settings)
    {
        var realtime = services
            .AddRealtime(o =>
            {
                o.ClientPolicy = RealtimePolicies.Client;
                o.SseHeartbeat = settings.SseHeartbeat;
                foreach (var origin in settings.RealtimeAllowedOrigins) o.AllowedOrigins.Add(origin);
            })
            .AddAudienceResolver<WorkspaceAudienceResolver>()
            .AddAudienceRule<WorkspaceAudienceRules>()
            .AddAudienceRule<SessionRevocationRules>()
            .AddHub()
            .AddServerSentEvents<SseTokenAuthenticator>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddHostedService<DomainEventForwarder>();

        // Clients that are not circuits: tokens, and the policy the hub requires (cookie or bearer).
        services.AddSingleton<RealtimeTokens>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, RealtimeBearerHandler>(RealtimeBearerHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(RealtimePolicies.Client, p => p
            .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme, RealtimeBearerHandler.SchemeName)
            .RequireAuthenticatedUser());
        // Tokens travel in URLs: the request-line log stays at Warning whatever the configuration says.
        services.HoldRequestLinesAtWarning();

        if (settings.RealtimeRedisUrl is null)
        {
            services.AddSingleton<ISseTokenNonces, InMemorySseTokenNonces>();
        }
        else
        {
            realtime.AddRedis(o =>
            {
                o.Url = settings.RealtimeRedisUrl;
                o.Prefix = settings.RealtimeRedisPrefix;
                o.ClientName = "app-web";
                o.RelayKey = settings.RealtimeRelayKey!;
                o.StreamMaxLength = settings.RealtimeStreamLength;
            });
            services.AddSingleton<ISseTokenNonces, RedisSseTokenNonces>();
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [HealthExtensions.DependencyTag]);
        }

        services.AddComponentToken<ConnectionIndicator>("realtime.web.connection.indicator");
        services.AddComponentToken<RealtimeNotices>("realtime.web.notices");
        services.AddPlacements("Realtime", new PlacementEntry
        {
            Id = "realtime.notices", Target = "shell.status", Order = 960, ComponentToken = "realtime.web.notices",
        });
        return services;
    }

    /// <summary>The hub (<c>/hubs/realtime</c>), SSE (<c>/api/realtime/events</c>) and token endpoints.</summary>
    public static IEndpointRouteBuilder MapAppRealtime(this IEndpointRouteBuilder app)
    {
        app.MapRealtime();
        app.MapTokenEndpoints();
        return app;
    }
}
