using App.Domain.Events;
using App.Realtime;
using App.Realtime.Circuits;
using App.Web.Realtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.UnitTests.Realtime;

/// <summary>A circuit's subscriptions on its bounded queue: slow handlers, overflow, failures, filters, disposal.</summary>
public sealed class CircuitConnectionTests
{
    private static RealtimeEvent Envelope(long sequence, string name = "tests.queue.event", string? origin = null) =>
        new() { Name = name, Topic = RealtimeTopics.Global, Sequence = sequence, OriginId = origin };

    [Fact]
    public async Task A_slow_subscriber_drops_what_does_not_fit_counts_it_and_is_told_how_much_it_missed()
    {
        using var metrics = new RealtimeMetrics();
        var gate = new TaskCompletionSource();
        var inHand = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = new List<long>();
        long missed = 0;
        await using var queue = new CircuitConnection("origin", async work =>
        {
            inHand.TrySetResult();
            await gate.Task;
            await work();
        }, metrics, NullLogger.Instance, capacity: 4);
        queue.Subscribe("*", e =>
        {
            lock (handled) handled.Add(e.Sequence);
            return Task.CompletedTask;
        }, onMissed: count =>
        {
            Interlocked.Add(ref missed, count);
            return Task.CompletedTask;
        });

        // The circuit is busy with event 1 (taken by the drain, its handler not yet run); then 2-10 arrive. Without
        // waiting for that, a drain starting mid-loop takes a batch of however many had arrived, and fewer are dropped.
        queue.Deliver(Envelope(1));
        await inHand.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // The publisher never waits, however slow the subscriber.
        var started = DateTime.UtcNow;
        for (var i = 2; i <= 10; i++) queue.Deliver(Envelope(i));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1));
        gate.SetResult();

        await Eventually.TrueAsync(() => { lock (handled) return Interlocked.Read(ref missed) > 0 && handled.Count >= 5; });
        await Task.Delay(50);
        lock (handled)
        {
            // 1 in hand, 2-5 fill the queue's 4 places, 6-10 do not fit.
            Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, handled);
            Assert.Equal(5, missed);
            Assert.Equal(missed, metrics.Overflowed);
            Assert.Equal(handled.Order(), handled);
        }
    }

    [Fact]
    public async Task A_failing_handler_is_counted_and_does_not_stop_the_others_or_later_events()
    {
        using var metrics = new RealtimeMetrics();
        var received = new List<long>();
        await using var queue = new CircuitConnection("origin", work => work(), metrics, NullLogger.Instance);
        queue.Subscribe("*", _ => throw new InvalidOperationException("boom"));
        queue.Subscribe("*", e =>
        {
            lock (received) received.Add(e.Sequence);
            return Task.CompletedTask;
        });

        queue.Deliver(Envelope(1));
        queue.Deliver(Envelope(2));

        await Eventually.TrueAsync(() => { lock (received) return received.Count == 2; });
        Assert.Equal(2, metrics.HandlerFailures);
    }

    [Fact]
    public async Task Filters_apply_and_a_disposed_subscription_hears_nothing_more()
    {
        using var metrics = new RealtimeMetrics();
        var named = new List<long>();
        var matched = new List<long>();
        var echoes = new List<bool>();
        await using var queue = new CircuitConnection("me", work => work(), metrics, NullLogger.Instance);
        var byName = queue.Subscribe("tests.wanted.event", e => { lock (named) named.Add(e.Sequence); return Task.CompletedTask; });
        queue.Subscribe("*", e => { lock (matched) { matched.Add(e.Sequence); echoes.Add(e.OriginId == queue.OriginId); } return Task.CompletedTask; },
            e => e.Sequence % 2 == 0);

        queue.Deliver(Envelope(1, "tests.wanted.event"));
        queue.Deliver(Envelope(2, "tests.other.event", origin: "me"));
        await Eventually.TrueAsync(() => { lock (named) lock (matched) return named.Count == 1 && matched.Count == 1; });
        byName.Dispose();
        queue.Deliver(Envelope(3, "tests.wanted.event"));
        queue.Deliver(Envelope(4, "tests.wanted.event"));
        await Eventually.TrueAsync(() => { lock (matched) return matched.Count == 2; });

        Assert.Equal([1L], named);
        Assert.Equal([2L, 4L], matched);
        Assert.Equal([true, false], echoes);
        Assert.Equal(1, queue.SubscriptionCount);
    }

    [Fact]
    public async Task Invalid_event_names_are_refused_at_subscribe()
    {
        using var metrics = new RealtimeMetrics();
        await using var queue = new CircuitConnection("o", work => work(), metrics, NullLogger.Instance);
        Assert.Throws<ArgumentException>(() => { queue.Subscribe("Not An Event", _ => Task.CompletedTask); });
    }

    [Fact]
    public async Task Disposing_the_connection_ends_every_subscription()
    {
        using var metrics = new RealtimeMetrics();
        var count = 0;
        var queue = new CircuitConnection("o", work => work(), metrics, NullLogger.Instance);
        queue.Subscribe("*", _ => { Interlocked.Increment(ref count); return Task.CompletedTask; });
        await queue.DisposeAsync();
        queue.Deliver(Envelope(1));
        await Task.Delay(50);
        Assert.Equal(0, count);
        Assert.Equal(0, queue.SubscriptionCount);
        Assert.Equal(0, metrics.Overflowed);
    }
}
