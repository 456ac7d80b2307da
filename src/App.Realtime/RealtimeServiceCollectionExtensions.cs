using App.Realtime;
using App.Realtime.Circuits;
using App.Realtime.Hub;
using App.Realtime.Presence;
using App.Realtime.Redis;
using App.Realtime.Sse;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// In the framework's own namespace, as ASP.NET Core's AddX extensions are: Program.cs needs no using (and a
// `using App.Realtime;` there would hide a root component named App, as `dotnet new blazor` names it).
namespace Microsoft.Extensions.DependencyInjection;

public static class RealtimeServiceCollectionExtensions
{
    /// <summary>
    /// The realtime layer for Blazor Server circuits: the publisher, the topic audience, per-connection queues,
    /// <see cref="IRealtimeCircuit"/> and <see cref="RealtimeSubscription"/>. Add transports for other clients and
    /// fan-out across instances on the returned builder; plug the app in with
    /// <see cref="RealtimeBuilder.AddAudienceResolver{T}"/> and <see cref="RealtimeBuilder.AddAudienceRule{T}"/>.
    /// <code>
    /// builder.Services.AddRealtime(o => o.ClientPolicy = "realtime-client")
    ///     .AddAudienceResolver&lt;WorkspaceAudienceResolver&gt;()
    ///     .AddHub().AddServerSentEvents().AddRedis(o => o.Url = redisUrl);
    /// app.MapRealtime();
    /// </code>
    /// </summary>
    public static RealtimeBuilder AddRealtime(this IServiceCollection services, Action<RealtimeOptions>? configure = null)
    {
        var options = services.AddOptions<RealtimeOptions>();
        if (configure is not null) options.Configure(configure);
        options.PostConfigure(o => o.Validate());
        services.TryAddSingleton<RealtimeMetrics>();
        services.TryAddSingleton<RealtimeAudience>();
        services.TryAddSingleton<RealtimeSequence>();
        services.TryAddSingleton<RealtimeTail>();
        services.TryAddSingleton<RecentEventIds>(_ => new RecentEventIds());
        services.TryAddSingleton<RealtimeRelayGaps>();
        services.TryAddSingleton<IRealtimeAudienceResolver, UserTopicsOnly>();
        services.TryAddSingleton<RealtimePublisher>();
        services.TryAddSingleton<IRealtimePublisher>(sp => sp.GetRequiredService<RealtimePublisher>());
        services.AddHostedService(sp => sp.GetRequiredService<RealtimePublisher>());
        services.TryAddScoped<CircuitRealtime>();
        services.TryAddScoped<IRealtimeCircuit>(sp => sp.GetRequiredService<CircuitRealtime>());
        services.AddScoped<CircuitHandler, RealtimeCircuitHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<Microsoft.AspNetCore.Hosting.IStartupFilter, RealtimeOriginCheck>());
        // Presence: in this process unless AddRedis replaces the store.
        services.AddOptions<PresenceOptions>().PostConfigure(o => o.Validate());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPresenceStore, InMemoryPresenceStore>();
        services.TryAddSingleton<RealtimePresence>();
        services.TryAddSingleton<IPresence>(sp => sp.GetRequiredService<RealtimePresence>());
        services.AddHostedService(sp => sp.GetRequiredService<RealtimePresence>());
        services.TryAddScoped<CircuitPresence>();
        services.AddScoped<CircuitHandler, PresenceCircuitHandler>();
        return new RealtimeBuilder(services);
    }

    /// <summary>Maps the transports that were added: the hub and the SSE endpoint. Returns the group of endpoints
    /// so the app can add conventions (rate limits, CORS) to all of them.</summary>
    public static IEndpointConventionBuilder MapRealtime(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var options = services.GetRequiredService<IOptions<RealtimeOptions>>().Value;
        var group = endpoints.MapGroup("");
        if (services.GetService<HubRealtimeConnections>() is not null)
        {
            var hub = services.GetRequiredService<IOptions<RealtimeHubOptions>>().Value;
            // CloseOnAuthenticationExpiration: a connection ends when its cookie or token expires (checked every second).
            var mapped = group.MapHub<RealtimeHub>(hub.Path, o =>
            {
                o.AllowStatefulReconnects = true;
                o.CloseOnAuthenticationExpiration = true;
            });
            if (options.ClientPolicy is { } policy) mapped.RequireAuthorization(policy);
            else mapped.RequireAuthorization();
        }
        if (services.GetService<SseReplayBuffer>() is not null)
        {
            var sse = services.GetRequiredService<IOptions<RealtimeSseOptions>>().Value;
            // Authorised by IRealtimeSseAuthenticator, not a policy: EventSource cannot send an Authorization header.
            group.MapSseEndpoint(sse.Path);
        }
        return group;
    }
}
