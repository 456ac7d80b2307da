using System.Text.Json;
using App.Domain.Events;
using App.Web.Realtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.Bench;

/// <summary>
/// The product's realtime path without a web host, wired as the app wires it: DomainEventBus -> RealtimeBridge
/// (started like the hosted service) -> RealtimeAudience -> connections. No sinks (hub/SSE) and no Redis relay.
/// </summary>
internal sealed class RealtimePath : IAsyncDisposable
{
    /// <summary>A small payload, snapshotted once as a domain service would (RealtimePayload.Snapshot).</summary>
    public static readonly JsonElement Payload =
        RealtimePayload.Snapshot(new { id = "8c1f0d2e", name = "benchmark", status = "Open" }, "bench.fanout");

    public DomainEventBus Bus { get; } = new();
    public RealtimeAudience Audience { get; } = new();
    public RealtimeMetrics Metrics { get; } = new();
    public RealtimeSequence Sequence { get; } = new();
    public RealtimeBridge Bridge { get; }

    public RealtimePath()
    {
        Bridge = new RealtimeBridge(Bus, Audience, Sequence, new RealtimeTail(), Metrics, [], [],
            NullLogger<RealtimeBridge>.Instance, NullLoggerFactory.Instance);
        Bridge.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>One scope per workspace, built up front: EventScope.Workspace formats the routing key, which is
    /// the publisher's cost, not the realtime path's.</summary>
    public static (Guid Id, EventScope Scope)[] Workspaces(int count) =>
        Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).Select(id => (id, EventScope.Workspace(id))).ToArray();

    public static RealtimeMessage Message(string eventName, EventScope scope) =>
        new() { Event = eventName, Scope = scope, Payload = Payload };

    public async ValueTask DisposeAsync()
    {
        await Bridge.StopAsync(CancellationToken.None);
        Metrics.Dispose();
    }
}
