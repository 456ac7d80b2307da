using App.Domain.Events;
using App.Web.Realtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.Bench;

/// <summary>
/// Ours: the real path. Each subscriber is a RealtimeSubscriptions (the per-circuit connection: bounded queue and
/// pump) with one "*" handler, registered in the audience with its workspace. Dispatch is <c>work => work()</c>:
/// handlers run inline on the pump instead of on a Blazor renderer's dispatcher.
/// </summary>
internal sealed class FanoutBenchmark : IFanoutTarget
{
    public const string EventName = "bench.fanout";

    private readonly RealtimePath path = new();
    private readonly EventScope[] scopes;
    private readonly RealtimeSubscriptions[] connections;

    public FanoutBenchmark(int subscribers, int workspaces)
    {
        var ids = RealtimePath.Workspaces(workspaces);
        scopes = ids.Select(w => w.Scope).ToArray();
        Probes = new Probe[subscribers];
        connections = new RealtimeSubscriptions[subscribers];
        for (var i = 0; i < subscribers; i++)
        {
            var probe = Probes[i] = new Probe(i % workspaces);
            var connection = connections[i] = new RealtimeSubscriptions($"c{i}", $"o{i}", work => work(), path.Metrics, NullLogger.Instance);
            connection.Subscribe("*", e =>
            {
                // A missed-events notice only comes after an overflow; the run then fails on completion, loudly.
                if (!e.IsMissed) probe.OnDelivery(e.Sequence / RealtimeSequence.Slots);
                return Task.CompletedTask;
            });
            path.Audience.Register(connection, $"u{i}", [ids[i % workspaces].Id]);
        }
    }

    public Probe[] Probes { get; }
    public long NextSequence => path.Sequence.Upcoming / RealtimeSequence.Slots; // counter part: consecutive per event
    public long Overflow => path.Metrics.Overflowed;
    public long HandlerFailures => path.Metrics.HandlerFailures + path.Bus.HandlerFailures;

    /// <summary>A new message per event, as a domain service publishes (its ~100 B count in B/delivery).</summary>
    public ValueTask PublishAsync(int eventIndex, int workspace) =>
        path.Bus.PublishAsync(RealtimePath.Message(EventName, scopes[workspace]));

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in connections) path.Audience.Unregister(connection);
        await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
        await path.DisposeAsync();
    }
}
