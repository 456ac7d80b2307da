using System.Collections.Concurrent;
using System.Diagnostics;
using App.Domain.Events;
using App.Realtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.UnitTests.Realtime;

/// <summary>A trace links the work that saved, the event it published and its deliveries, on this instance and on
/// another one the event reached through the relay (in its wire form).</summary>
public sealed class RealtimeTracingTests : IDisposable
{
    private static readonly ActivitySource Save = new("tests.save");
    private readonly ConcurrentQueue<Activity> stopped = new();
    private readonly ActivityListener listener;

    public RealtimeTracingTests()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is RealtimeTracing.SourceName or "tests.save",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
    }

    public void Dispose() => listener.Dispose();

    /// <summary>A transport's connection: a queue whose consumer records what it was handed.</summary>
    private sealed class QueuedConnection : IRealtimeConnection, IRealtimeQueueConsumer
    {
        public QueuedConnection(string id, RealtimeMetrics metrics)
        {
            ConnectionId = id;
            Queue = new RealtimeConnectionQueue(id, this, metrics, NullLogger.Instance);
        }

        public string ConnectionId { get; }
        public RealtimeConnectionQueue Queue { get; }
        public ConcurrentQueue<RealtimeEvent> Received { get; } = new();
        public void Deliver(RealtimeEvent realtimeEvent) => Queue.TryEnqueue(realtimeEvent);
        public void NotifyMissed() => Queue.NotifyMissed();

        public ValueTask DeliverAsync(IReadOnlyList<RealtimeEvent> events)
        {
            foreach (var e in events) Received.Enqueue(e);
            return ValueTask.CompletedTask;
        }

        public ValueTask MissedAsync(long count) => ValueTask.CompletedTask;
    }

    /// <summary>Two instances' relays: what one sends, the other receives after a trip through the wire format.</summary>
    private sealed class WireRelay : IRealtimeRelay
    {
        public WireRelay? Peer;
        public event Action<RealtimeEvent>? Received;
        public void Send(RealtimeEvent realtimeEvent) => Peer?.Received?.Invoke(RealtimeEvent.TryParse(realtimeEvent.ToUtf8Json())!);
    }

    [Fact]
    public async Task Publish_and_deliveries_here_and_on_another_instance_join_the_trace_of_the_save()
    {
        var (relayA, relayB) = (new WireRelay(), new WireRelay());
        (relayA.Peer, relayB.Peer) = (relayB, relayA);
        await using var instanceA = new RealtimeHarness(s => s.AddSingleton<IRealtimeRelay>(relayA));
        await using var instanceB = new RealtimeHarness(s => s.AddSingleton<IRealtimeRelay>(relayB));
        var workspace = Guid.NewGuid();
        var here = new QueuedConnection("here", instanceA.Metrics);
        var there = new QueuedConnection("there", instanceB.Metrics);
        instanceA.Audience.Register(here, "ann", [workspace]);
        instanceB.Audience.Register(there, "ben", [workspace]);

        ActivityTraceId traceId;
        ActivitySpanId saveSpan;
        using (var save = Save.StartActivity("projects.save"))
        {
            (traceId, saveSpan) = (save!.TraceId, save.SpanId);
            await instanceA.PublishAsync("tests.traced.event", EventScope.Workspace(workspace), new { n = 1 });
        }
        await Eventually.TrueAsync(() => !here.Received.IsEmpty && !there.Received.IsEmpty);
        await Eventually.TrueAsync(() => stopped.Count(a => a.TraceId == traceId && a.OperationName == "realtime.deliver") == 2);

        var spans = stopped.Where(a => a.TraceId == traceId).ToList();
        var publish = Assert.Single(spans, a => a.OperationName == "realtime.publish");
        Assert.Equal(saveSpan, publish.ParentSpanId);
        var receive = Assert.Single(spans, a => a.OperationName == "realtime.receive");
        Assert.Equal(publish.SpanId, receive.ParentSpanId);
        var deliveries = spans.Where(a => a.OperationName == "realtime.deliver").ToList();
        Assert.Contains(deliveries, d => d.ParentSpanId == publish.SpanId && (string?)d.GetTagItem("realtime.connection") == "here");
        Assert.Contains(deliveries, d => d.ParentSpanId == publish.SpanId && (string?)d.GetTagItem("realtime.connection") == "there");
        Assert.Equal(publish.Id, Assert.Single(there.Received).TraceParent);
    }
}
