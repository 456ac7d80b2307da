using App.Realtime.Hub;
using App.Realtime.Presence;
using App.Realtime.Redis;
using App.Realtime.Sse;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace App.Realtime;

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
        Services.TryAddSingleton(sp =>
        {
            var buffer = new SseReplayBuffer();
            sp.GetRequiredService<RealtimeAudience>().TopicAccessChanged += buffer.OnTopicAccessChanged;
            return buffer;
        });
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
            if (o.StreamMaxLength < 100) throw new ArgumentException("Realtime Redis StreamMaxLength must be at least 100.");
            if (o.PollInterval <= TimeSpan.Zero || o.ReplayWindow <= TimeSpan.Zero)
                throw new ArgumentException("Realtime Redis PollInterval and ReplayWindow must be positive.");
            if (!RelaySignature.IsStrongEnough(o.RelayKey))
                throw new ArgumentException($"Realtime Redis needs a RelayKey of at least {RelaySignature.MinimumKeyLength} characters, the same on every instance.");
        });
        Services.TryAddSingleton<RedisConnection>();
        Services.TryAddSingleton<RedisRealtimeRelay>();
        Services.TryAddSingleton<IRealtimeRelay>(sp => sp.GetRequiredService<RedisRealtimeRelay>());
        Services.AddHostedService(sp => sp.GetRequiredService<RedisRealtimeRelay>());
        Services.TryAddSingleton<AudienceResync>();
        Services.AddHostedService(sp => sp.GetRequiredService<AudienceResync>());
        // Presence spans instances: every instance heartbeats its own entries in Redis.
        Services.Replace(ServiceDescriptor.Singleton<IPresenceStore, RedisPresenceStore>());
        return this;
    }

    /// <summary>Presence timings: heartbeat (default 5 s) and the expiry of a dead instance's entries (default 15 s).</summary>
    public RealtimeBuilder ConfigurePresence(Action<PresenceOptions> configure)
    {
        Services.AddOptions<PresenceOptions>().Configure(configure);
        return this;
    }
}
