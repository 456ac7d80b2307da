using System.Diagnostics;
using App.Domain.Events;
using App.Realtime;
using App.Realtime.Circuits;
using Microsoft.Extensions.Logging.Abstractions;

namespace RealtimeBench;

/// <summary>
/// Cost of one published event as a function of the total number of connections and of the event's audience.
/// Routing only (connections that count), and the same with real subscription queues (enqueue cost included).
/// </summary>
internal static class ScopedDeliveryBenchmark
{
    public sealed record Result(int Connections, int Audience, double NanosPerEvent, double NanosPerDelivery, string Kind);

    private sealed class CountingConnection(string id) : IRealtimeConnection
    {
        public long Count;
        public string ConnectionId { get; } = id;
        public void Deliver(RealtimeEvent realtimeEvent) => Count++;
    }

    public static async Task<Result> RunAsync(int connections, int audience, int events, bool realQueues)
    {
        await using var harness = new Harness();
        var workspaces = connections / audience;
        var workspaceIds = Enumerable.Range(0, workspaces).Select(_ => Guid.NewGuid()).ToArray();
        var queues = new List<CircuitConnection>();
        for (var i = 0; i < connections; i++)
        {
            IRealtimeConnection connection;
            if (realQueues)
            {
                var queue = new CircuitConnection($"o{i}", work => work(), harness.Metrics, NullLogger.Instance);
                queue.Subscribe("*", _ => Task.CompletedTask);
                queues.Add(queue);
                connection = queue;
            }
            else connection = new CountingConnection($"c{i}");
            harness.Audience.Register(connection, $"u{i}", [EventScope.Workspace(workspaceIds[i % workspaces]).Key]);
        }
        // Warm up, then measure publishing only (the call returns once every audience member has it queued).
        for (var i = 0; i < 2_000; i++) await harness.PublishAsync(EventScope.Workspace(workspaceIds[i % workspaces]));
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < events; i++)
        {
            await harness.PublishAsync(EventScope.Workspace(workspaceIds[i % workspaces]));
            // With real queues, let them drain now and then so none overflows (drain time is not counted).
            if (realQueues && i % 200 == 199)
            {
                var paused = Stopwatch.GetTimestamp();
                while (queues.Any(q => q.Dropped > 0)) await Task.Delay(1);
                await Task.Delay(5);
                started += Stopwatch.GetTimestamp() - paused;
            }
        }
        var nanos = Stopwatch.GetElapsedTime(started).TotalNanoseconds / events;
        foreach (var queue in queues) await queue.DisposeAsync();
        return new Result(connections, audience, nanos, nanos / audience, realQueues ? "subscription queues" : "routing only");
    }
}
