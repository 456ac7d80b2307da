using System.Collections.Concurrent;
using App.Domain.Events;
using App.Web.Realtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.UnitTests.Realtime;

/// <summary>A connection that records what reached it (delivery is synchronous, so tests are deterministic).</summary>
public sealed class RecordingConnection(string id) : IRealtimeConnection
{
    public string ConnectionId { get; } = id;
    public ConcurrentQueue<RealtimeEnvelope> Received { get; } = new();
    public void Deliver(RealtimeEnvelope envelope) => Received.Enqueue(envelope);
}

/// <summary>The real bridge, audience and bus, wired as the app wires them.</summary>
public sealed class RealtimeHarness : IAsyncDisposable
{
    public DomainEventBus Bus { get; } = new();
    public RealtimeAudience Audience { get; } = new();
    public RealtimeMetrics Metrics { get; } = new();
    public RealtimeTail Tail { get; } = new();
    public RealtimeBridge Bridge { get; }

    public RealtimeHarness(IEnumerable<IRealtimeSink>? sinks = null, IRealtimeRelay? relay = null)
    {
        Bridge = new RealtimeBridge(Bus, Audience, new RealtimeSequence(), Tail, Metrics, sinks ?? [],
            relay is null ? [] : [relay], NullLogger<RealtimeBridge>.Instance, NullLoggerFactory.Instance);
        Bridge.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public ValueTask PublishAsync(string eventName, EventScope scope, object? payload = null) =>
        Bus.PublishAsync(new RealtimeMessage { Event = eventName, Scope = scope, Payload = RealtimePayload.Snapshot(payload, eventName) });

    public async ValueTask DisposeAsync()
    {
        await Bridge.StopAsync(CancellationToken.None);
        Metrics.Dispose();
    }
}
