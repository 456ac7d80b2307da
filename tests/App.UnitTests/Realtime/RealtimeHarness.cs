using System.Collections.Concurrent;
using App.Domain.Events;
using App.Realtime;
using App.Realtime.Circuits;
using App.Web.Realtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace App.UnitTests.Realtime;

/// <summary>A connection that records what reached it (delivery is synchronous, so tests are deterministic).</summary>
public sealed class RecordingConnection(string id) : IRealtimeConnection
{
    public string ConnectionId { get; } = id;
    public ConcurrentQueue<RealtimeEvent> Received { get; } = new();
    public int MissedNotices;
    public bool Revoked;
    public void Deliver(RealtimeEvent realtimeEvent) => Received.Enqueue(realtimeEvent);
    public void NotifyMissed() => Interlocked.Increment(ref MissedNotices);
    public void Revoke() => Revoked = true;
}

/// <summary>The realtime layer built through <c>AddRealtime</c> with this app's rules, the domain bus and the
/// forwarder, as Program.cs wires them (no transports).</summary>
public sealed class RealtimeHarness : IAsyncDisposable
{
    private readonly ServiceProvider services;
    private readonly IHostedService[] hosted;

    public RealtimeHarness(Action<IServiceCollection>? configure = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton<IDomainEvents, DomainEventBus>();
        collection.AddRealtime().AddAudienceRule<WorkspaceAudienceRules>().AddAudienceRule<SessionRevocationRules>();
        collection.AddHostedService<DomainEventForwarder>();
        configure?.Invoke(collection);
        services = collection.BuildServiceProvider();
        hosted = services.GetServices<IHostedService>().ToArray();
        foreach (var service in hosted) service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public IServiceProvider Services => services;
    public IDomainEvents Bus => services.GetRequiredService<IDomainEvents>();
    public RealtimeAudience Audience => services.GetRequiredService<RealtimeAudience>();
    public RealtimeMetrics Metrics => services.GetRequiredService<RealtimeMetrics>();
    public RealtimeTail Tail => services.GetRequiredService<RealtimeTail>();
    public IRealtimePublisher Publisher => services.GetRequiredService<IRealtimePublisher>();

    public ValueTask PublishAsync(string eventName, EventScope scope, object? payload = null) =>
        Bus.PublishAsync(new RealtimeMessage { Name = eventName, Scope = scope, Payload = RealtimePayload.Snapshot(payload, eventName) });

    public async ValueTask DisposeAsync()
    {
        foreach (var service in hosted) await service.StopAsync(CancellationToken.None);
        await services.DisposeAsync();
    }
}

/// <summary>The app's topic for a workspace, in the words the tests use.</summary>
public static class WorkspaceAudience
{
    public static void Register(this RealtimeAudience audience, IRealtimeConnection connection, string? userId, IEnumerable<Guid> workspaceIds) =>
        audience.Register(connection, userId, workspaceIds.Select(w => EventScope.Workspace(w).Key));

    public static void AddMembership(this RealtimeAudience audience, string userId, Guid workspaceId) =>
        audience.AddTopic(userId, EventScope.Workspace(workspaceId).Key);

    public static void RemoveMembership(this RealtimeAudience audience, string userId, Guid workspaceId) =>
        audience.RemoveTopic(userId, EventScope.Workspace(workspaceId).Key);

    public static (int Added, int Removed) ReplaceTopics(this RealtimeAudience audience, string userId, IEnumerable<Guid> workspaceIds, long asOf) =>
        audience.ReplaceTopics(userId, workspaceIds.Select(w => EventScope.Workspace(w).Key), asOf);

    public static IReadOnlyList<IRealtimeConnection> Of(this RealtimeAudience audience, EventScope scope) => audience.Of(scope.Key);
}
