using App.Realtime.Circuits;
using App.Realtime.Hub;
using App.Realtime.Redis;
using App.Realtime.Sse;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace App.Realtime;

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
        services.TryAddSingleton<IRealtimeAudienceResolver, UserTopicsOnly>();
        services.TryAddSingleton<RealtimePublisher>();
        services.TryAddSingleton<IRealtimePublisher>(sp => sp.GetRequiredService<RealtimePublisher>());
        services.AddHostedService(sp => sp.GetRequiredService<RealtimePublisher>());
        services.TryAddScoped<CircuitRealtime>();
        services.TryAddScoped<IRealtimeCircuit>(sp => sp.GetRequiredService<CircuitRealtime>());
        services.AddScoped<CircuitHandler, RealtimeCircuitHandler>();
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
            var mapped = group.MapHub<RealtimeHub>(hub.Path, o => o.AllowStatefulReconnects = true);
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

/// <summary>Adds transports and the app's seams to the realtime layer (returned by <c>AddRealtime</c>).</summary>
public sealed class RealtimeBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    /// <summary>Which topics a user may hear (e.g. one per workspace membership). One per app.</summary>
    public RealtimeBuilder AddAudienceResolver<T>() where T : class, IRealtimeAudienceResolver
    {
        Services.Replace(ServiceDescriptor.Singleton<IRealtimeAudienceResolver, T>());
        return this;
    }

    /// <summary>A rule that keeps the audience current from events (membership changed, user disabled).</summary>
    public RealtimeBuilder AddAudienceRule<T>() where T : class, IRealtimeAudienceRule
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IRealtimeAudienceRule, T>());
        return this;
    }

    /// <summary>The SignalR hub for clients that are not circuits; events arrive as <c>event(e)</c>.</summary>
    public RealtimeBuilder AddHub(Action<RealtimeHubOptions>? configure = null)
    {
        var options = Services.AddOptions<RealtimeHubOptions>();
        if (configure is not null) options.Configure(configure);
        Services.TryAddSingleton<HubConnectionContexts>();
        Services.TryAddSingleton<HubRealtimeConnections>();
        Services.AddSignalR(o => o.MaximumReceiveMessageSize = 16 * 1024);
        Services.AddSingleton<HubLifetimeManager<RealtimeHub>>(sp => new ConnectionCapturingLifetimeManager<RealtimeHub>(
            ActivatorUtilities.CreateInstance<DefaultHubLifetimeManager<RealtimeHub>>(sp), sp.GetRequiredService<HubConnectionContexts>()));
        return this;
    }

    /// <summary>Server-sent events with <c>Last-Event-ID</c> resume, authenticated by <typeparamref name="TAuthenticator"/>
    /// (default: the request's user).</summary>
    public RealtimeBuilder AddServerSentEvents<TAuthenticator>(Action<RealtimeSseOptions>? configure = null)
        where TAuthenticator : class, IRealtimeSseAuthenticator
    {
        var options = Services.AddOptions<RealtimeSseOptions>();
        if (configure is not null) options.Configure(configure);
        Services.TryAddSingleton<SseReplayBuffer>();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IRealtimeSink, SseReplayBuffer>(sp => sp.GetRequiredService<SseReplayBuffer>()));
        Services.Replace(ServiceDescriptor.Scoped<IRealtimeSseAuthenticator, TAuthenticator>());
        return this;
    }

    public RealtimeBuilder AddServerSentEvents(Action<RealtimeSseOptions>? configure = null) =>
        AddServerSentEvents<PrincipalSseAuthenticator>(configure);

    /// <summary>Fans events out to every app instance through Redis (and re-resolves the audience after an outage).
    /// Start-up never waits for Redis.</summary>
    public RealtimeBuilder AddRedis(Action<RealtimeRedisOptions> configure)
    {
        Services.AddOptions<RealtimeRedisOptions>().Configure(configure).PostConfigure(o =>
        {
            if (string.IsNullOrWhiteSpace(o.Url)) throw new ArgumentException("Realtime Redis needs a Url.");
            RedisAddress.Parse(o.Url);
        });
        Services.TryAddSingleton<RedisConnection>();
        Services.TryAddSingleton<RedisRealtimeRelay>();
        Services.TryAddSingleton<IRealtimeRelay>(sp => sp.GetRequiredService<RedisRealtimeRelay>());
        Services.AddHostedService(sp => sp.GetRequiredService<RedisRealtimeRelay>());
        Services.TryAddSingleton<AudienceResync>();
        Services.AddHostedService(sp => sp.GetRequiredService<AudienceResync>());
        return this;
    }
}
