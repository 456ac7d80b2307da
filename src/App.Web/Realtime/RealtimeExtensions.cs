using App.Web.Configuration;
using App.Web.Health;
using App.Web.Realtime.Clients;
using App.Web.Realtime.Hub;
using App.Web.Realtime.Redis;
using App.Web.Realtime.Sse;
using App.Web.Shell;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace App.Web.Realtime;

public static class RealtimeExtensions
{
    /// <summary>
    /// The event bridge, the audience index, per-circuit subscriptions, the connection indicator; the SignalR hub and
    /// SSE for other clients; and, when REALTIME_REDIS_URL is set, fan-out across instances through Redis (otherwise
    /// no Redis code runs at all).
    /// </summary>
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

        // Clients that are not circuits.
        services.AddSingleton<RealtimeTokens>();
        services.AddSingleton<SseReplayBuffer>();
        services.AddSingleton<IRealtimeSink>(sp => sp.GetRequiredService<SseReplayBuffer>());
        services.AddSingleton<HubRealtimeConnections>();
        services.AddSingleton<HubConnectionContexts>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, RealtimeBearerHandler>(RealtimeBearerHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(RealtimePolicies.Client, p => p
            .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme, RealtimeBearerHandler.SchemeName)
            .RequireAuthenticatedUser());
        services.AddSignalR(o => o.MaximumReceiveMessageSize = 16 * 1024);
        // Tokens travel in URLs: the request-line log stays at Warning whatever the configuration says.
        services.HoldRequestLinesAtWarning();

        if (settings.RealtimeRedisUrl is null)
        {
            services.AddSingleton<ISseTokenNonces, InMemorySseTokenNonces>();
            services.AddSingleton<HubLifetimeManager<RealtimeHub>>(sp => new ConnectionCapturingLifetimeManager<RealtimeHub>(
                ActivatorUtilities.CreateInstance<DefaultHubLifetimeManager<RealtimeHub>>(sp), sp.GetRequiredService<HubConnectionContexts>()));
        }
        else
        {
            services.AddSingleton<RedisConnection>();
            services.AddSingleton<RedisRealtimeRelay>();
            services.AddSingleton<IRealtimeRelay>(sp => sp.GetRequiredService<RedisRealtimeRelay>());
            services.AddHostedService(sp => sp.GetRequiredService<RedisRealtimeRelay>());
            services.AddSingleton<AudienceResync>();
            services.AddHostedService(sp => sp.GetRequiredService<AudienceResync>());
            services.AddSingleton<ISseTokenNonces, RedisSseTokenNonces>();
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [HealthExtensions.DependencyTag]);
            // SignalR's Redis backplane for the realtime hub only (same connection, prefixed channels), so IHubContext
            // sends reach every instance. Blazor's own hub stays local and never depends on Redis.
            services.AddOptions<RedisOptions>().Configure<RedisConnection>((o, redis) =>
            {
                o.Configuration.ChannelPrefix = RedisChannel.Literal(settings.RealtimeRedisPrefix + ":signalr");
                o.ConnectionFactory = async _ => await redis.GetAsync();
            });
            services.AddSingleton<HubLifetimeManager<RealtimeHub>>(sp => new ConnectionCapturingLifetimeManager<RealtimeHub>(
                ActivatorUtilities.CreateInstance<RedisHubLifetimeManager<RealtimeHub>>(sp), sp.GetRequiredService<HubConnectionContexts>(),
                sp.GetRequiredService<ILogger<ConnectionCapturingLifetimeManager<RealtimeHub>>>()));
        }

        services.AddComponentToken<ConnectionIndicator>("realtime.web.connection.indicator");
        services.AddComponentToken<RealtimeNotices>("realtime.web.notices");
        services.AddPlacements("Realtime", new PlacementEntry
        {
            Id = "realtime.notices", Target = "shell.status", Order = 960, ComponentToken = "realtime.web.notices",
        });
        return services;
    }

    /// <summary>The hub (<c>/hubs/realtime</c>, stateful reconnect), SSE and token endpoints.</summary>
    public static IEndpointRouteBuilder MapRealtime(this IEndpointRouteBuilder app)
    {
        app.MapHub<RealtimeHub>(RealtimeHub.Path, o => o.AllowStatefulReconnects = true);
        app.MapSseEndpoint();
        app.MapTokenEndpoints();
        return app;
    }
}
