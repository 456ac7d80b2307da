using App.Realtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.UnitTests.Realtime;

/// <summary>The one bounded queue every transport uses: order, one batch at a time, overflow reported as missed,
/// revoke, close.</summary>
public sealed class RealtimeConnectionQueueTests
{
    private static RealtimeEvent Event(long sequence) => new() { Name = "tests.queue.event", Topic = RealtimeTopics.Global, Sequence = sequence };

    private sealed class Recorder(Func<Task>? wait = null) : IRealtimeQueueConsumer
    {
        public readonly List<long> Seen = [];
        public long Missed;
        public int MissedNotices;
        public int Batches;
        public bool Overlapped;
        public bool Revoked;
        public bool ThrowOnce;
        private int running;

        public async ValueTask DeliverAsync(IReadOnlyList<RealtimeEvent> events)
        {
            if (Interlocked.Increment(ref running) > 1) Overlapped = true;
            try
            {
                if (wait is not null) await wait();
                if (events[0].Sequence % 7 == 0) await Task.Yield(); // some batches finish asynchronously
                if (ThrowOnce)
                {
                    ThrowOnce = false;
                    throw new InvalidOperationException("a broken transport");
                }
                lock (Seen) Seen.AddRange(events.Select(e => e.Sequence));
                Interlocked.Increment(ref Batches);
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }

        public ValueTask MissedAsync(long count)
        {
            Interlocked.Add(ref Missed, count);
            Interlocked.Increment(ref MissedNotices);
            return ValueTask.CompletedTask;
        }

        public ValueTask RevokedAsync()
        {
            Revoked = true;
            return ValueTask.CompletedTask;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Events_arrive_once_each_in_order_one_batch_at_a_time_across_many_drains(bool inlineWhenIdle)
    {
        using var metrics = new RealtimeMetrics();
        var consumer = new Recorder();
        var queue = new RealtimeConnectionQueue("c", consumer, metrics, NullLogger.Instance, capacity: 64, inlineWhenIdle);

        for (var i = 0; i < 5_000; i++)
        {
            while (!queue.TryEnqueue(Event(i)))
            {
                // Full: that one was dropped and will be reported; resend it, as a test of order only.
                await Task.Yield();
            }
            if (i % 100 == 0) await Task.Delay(1); // let it run empty now and then
        }

        await Eventually.TrueAsync(() => { lock (consumer.Seen) return consumer.Seen.Count == 5_000; });
        Assert.Equal(Enumerable.Range(0, 5_000).Select(i => (long)i), consumer.Seen);
        Assert.False(consumer.Overlapped);
        Assert.Equal(5_000, metrics.Delivered);
        await queue.CloseAsync();
    }

    [Fact]
    public async Task An_inline_queue_delivers_on_the_posting_thread_when_idle_and_queues_while_a_delivery_waits()
    {
        using var metrics = new RealtimeMetrics();
        var gate = new TaskCompletionSource();
        var waitNext = true;
        var consumer = new Recorder(() => waitNext ? gate.Task : Task.CompletedTask);
        var queue = new RealtimeConnectionQueue("c", consumer, metrics, NullLogger.Instance, capacity: 8, inlineWhenIdle: true);

        waitNext = false;
        Assert.True(queue.TryEnqueue(Event(1)));
        lock (consumer.Seen) Assert.Equal([1L], consumer.Seen); // delivered before TryEnqueue returned

        waitNext = true;
        Assert.True(queue.TryEnqueue(Event(2))); // its write waits on the gate: later events queue behind it
        waitNext = false;
        Assert.True(queue.TryEnqueue(Event(3)));
        Assert.True(queue.TryEnqueue(Event(4)));
        lock (consumer.Seen) Assert.Equal([1L], consumer.Seen);
        gate.SetResult();

        await Eventually.TrueAsync(() => { lock (consumer.Seen) return consumer.Seen.Count == 4; });
        Assert.Equal([1L, 2, 3, 4], consumer.Seen);
        Assert.False(consumer.Overlapped);
        await queue.CloseAsync();
    }

    [Fact]
    public async Task Concurrent_posters_to_an_inline_queue_lose_nothing_and_keep_each_posters_order()
    {
        using var metrics = new RealtimeMetrics();
        var consumer = new Recorder();
        var queue = new RealtimeConnectionQueue("c", consumer, metrics, NullLogger.Instance, capacity: 100_000, inlineWhenIdle: true);

        // Poster p sends p * 1,000,000 + i for i in 0..2,000.
        await Task.WhenAll(Enumerable.Range(1, 4).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++) Assert.True(queue.TryEnqueue(Event(p * 1_000_000L + i)));
        })));

        await Eventually.TrueAsync(() => { lock (consumer.Seen) return consumer.Seen.Count == 8_000; });
        Assert.False(consumer.Overlapped);
        foreach (var poster in consumer.Seen.GroupBy(s => s / 1_000_000))
            Assert.Equal(Enumerable.Range(0, 2_000).Select(i => poster.Key * 1_000_000L + i), poster);
        await queue.CloseAsync();
    }

    [Fact]
    public async Task A_full_queue_drops_counts_and_then_reports_how_many_were_missed()
    {
        using var metrics = new RealtimeMetrics();
        var gate = new TaskCompletionSource();
        var consumer = new Recorder(() => gate.Task);
        var queue = new RealtimeConnectionQueue("c", consumer, metrics, NullLogger.Instance, capacity: 3);

        var started = DateTime.UtcNow;
        var accepted = Enumerable.Range(1, 10).Count(i => queue.TryEnqueue(Event(i)));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1), "posting never waits");
        gate.SetResult();

        await Eventually.TrueAsync(() => Interlocked.Read(ref consumer.Missed) > 0);
        await Eventually.TrueAsync(() => { lock (consumer.Seen) return consumer.Seen.Count == accepted; });
        Assert.Equal(10, accepted + consumer.Missed);
        Assert.Equal(consumer.Missed, metrics.Overflowed);

        // Room again: later events arrive, and no further notice without further drops.
        Assert.True(queue.TryEnqueue(Event(11)));
        await Eventually.TrueAsync(() => { lock (consumer.Seen) return consumer.Seen.Contains(11); });
        Assert.Equal(1, consumer.MissedNotices);
        await queue.CloseAsync();
    }

    [Fact]
    public async Task A_missed_notice_asked_for_comes_after_what_was_queued_with_an_unknown_count()
    {
        using var metrics = new RealtimeMetrics();
        var consumer = new Recorder();
        var queue = new RealtimeConnectionQueue("c", consumer, metrics, NullLogger.Instance);
        queue.TryEnqueue(Event(1));
        queue.NotifyMissed();

        await Eventually.TrueAsync(() => consumer.MissedNotices == 1);
        Assert.Equal([1L], consumer.Seen);
        Assert.Equal(0, consumer.Missed);
        await queue.CloseAsync();
    }

    [Fact]
    public async Task A_failing_consumer_is_counted_and_later_events_still_arrive()
    {
        using var metrics = new RealtimeMetrics();
        var consumer = new Recorder { ThrowOnce = true };
        var queue = new RealtimeConnectionQueue("c", consumer, metrics, NullLogger.Instance);
        queue.TryEnqueue(Event(1));
        await Eventually.TrueAsync(() => metrics.HandlerFailures == 1);
        queue.TryEnqueue(Event(2));
        await Eventually.TrueAsync(() => { lock (consumer.Seen) return consumer.Seen.Contains(2); });
        await queue.CloseAsync();
    }

    [Fact]
    public async Task A_revoked_queue_delivers_what_it_holds_then_ends_and_takes_nothing_more()
    {
        using var metrics = new RealtimeMetrics();
        var consumer = new Recorder();
        var queue = new RealtimeConnectionQueue("c", consumer, metrics, NullLogger.Instance);
        queue.TryEnqueue(Event(1));
        queue.Revoke();
        Assert.False(queue.TryEnqueue(Event(2)));

        await Eventually.TrueAsync(() => consumer.Revoked);
        Assert.Equal([1L], consumer.Seen);
        await queue.CloseAsync();
    }

    [Fact]
    public async Task A_closed_queue_finishes_the_batch_in_hand_and_takes_nothing_more()
    {
        using var metrics = new RealtimeMetrics();
        var gate = new TaskCompletionSource();
        var consumer = new Recorder(() => gate.Task);
        var queue = new RealtimeConnectionQueue("c", consumer, metrics, NullLogger.Instance);
        queue.TryEnqueue(Event(1));
        await Task.Delay(20);
        var closing = queue.CloseAsync();
        Assert.False(closing.IsCompleted);
        gate.SetResult();
        await closing.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(queue.TryEnqueue(Event(2)));
        await Task.Delay(20);
        Assert.Equal([1L], consumer.Seen);
    }
}
