using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace App.Realtime;

/// <summary>What a transport does with what its queue hands it. Called by one drain at a time, in order.</summary>
public interface IRealtimeQueueConsumer
{
    /// <summary>Events in arrival order (one or more): a circuit runs handlers, the hub writes one batch, SSE writes
    /// and flushes once. An exception is logged and counted; the queue carries on.</summary>
    ValueTask DeliverAsync(IReadOnlyList<RealtimeEvent> events);

    /// <summary>Events were missed: <paramref name="count"/> dropped by this queue when it was full, or 0 when the
    /// number is unknown (<see cref="RealtimeConnectionQueue.NotifyMissed"/>). Always after what was queued before.</summary>
    ValueTask MissedAsync(long count);

    /// <summary>The connection was revoked (<see cref="RealtimeConnectionQueue.Revoke"/>) and what was queued before has gone out.</summary>
    ValueTask RevokedAsync() => ValueTask.CompletedTask;
}

/// <summary>
/// The one bounded per-connection queue every transport uses, with the overflow and "missed" rules defined here
/// once. Posting never waits: a full queue drops the event, counts it (<c>realtime.overflowed</c>) and, once the
/// queue has drained what it held, tells the consumer how many it missed so it can reload. The reader is not a
/// loop parked per connection but a drain scheduled on the thread pool only while there is work (thousands of idle
/// circuits hold no task), which hands over everything queued so far as one batch. The drain runs without the
/// publisher's ExecutionContext, so its async-locals never reach another connection.
/// </summary>
/// <remarks>
/// Storage is a lock-free <see cref="ConcurrentQueue{T}"/> bounded by a counter, not a bounded Channel: a bounded
/// Channel takes a lock on every write and read, and with many connections each hearing a share of the events
/// (bench/RealtimeBench, 50,000 subscribers in 100 workspaces, 2 cores) the Channel-backed queue ran at 0.33 of the
/// raw-Channels baseline against 0.89 for this storage (bench/RESULTS.md).
/// </remarks>
public sealed class RealtimeConnectionQueue : IThreadPoolWorkItem
{
    public const int DefaultCapacity = 512;
    /// <summary>At most this many events per <see cref="IRealtimeQueueConsumer.DeliverAsync"/>.</summary>
    public const int MaxBatch = 256;

    private readonly ConcurrentQueue<RealtimeEvent> items = new();
    private readonly int capacity;
    private readonly bool inlineWhenIdle;
    private int count;
    private readonly IRealtimeQueueConsumer consumer;
    private readonly RealtimeMetrics metrics;
    private readonly ILogger logger;
    private readonly List<RealtimeEvent> batch = [];
    private long dropped;
    private int missedNotice; // 1 when NotifyMissed asked for a notice
    private int revoked;
    private int scheduled; // 1 while a drain is queued or running
    private volatile bool closed;
    private TaskCompletionSource? stopped;

    /// <param name="inlineWhenIdle">Hand an event to the consumer on the posting thread when nothing is queued or being
    /// delivered, and fall back to the queue only while that delivery waits. For consumers whose delivery is a quick,
    /// usually synchronous write that may run in the publisher's ExecutionContext (the hub: it is what SignalR's own
    /// broadcasts do, and bench/RESULTS.md shows the thread hop per event costing the hub flood ~20%); never for
    /// circuits, whose handlers run user code.</param>
    public RealtimeConnectionQueue(string connectionId, IRealtimeQueueConsumer consumer, RealtimeMetrics metrics, ILogger logger,
        int capacity = DefaultCapacity, bool inlineWhenIdle = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ConnectionId = connectionId;
        this.consumer = consumer;
        this.metrics = metrics;
        this.logger = logger;
        this.capacity = capacity;
        this.inlineWhenIdle = inlineWhenIdle;
    }

    public string ConnectionId { get; }

    /// <summary>Events dropped since the last missed notice.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Queues an event; false (dropped, counted, reported later) when the queue is full or closed.</summary>
    public bool TryEnqueue(RealtimeEvent realtimeEvent)
    {
        if (closed || Volatile.Read(ref revoked) == 1) return false;
        if (inlineWhenIdle && items.IsEmpty && Volatile.Read(ref scheduled) == 0 && Interlocked.CompareExchange(ref scheduled, 1, 0) == 0)
        {
            // This thread now owns delivery, as a drain would. Something posted between the check and the take is
            // already queued: it goes first, through the drain, to keep the order.
            if (!items.IsEmpty)
            {
                Interlocked.Increment(ref count);
                items.Enqueue(realtimeEvent);
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                return true;
            }
            DeliverInline(realtimeEvent);
            return true;
        }
        if (Interlocked.Increment(ref count) > capacity)
        {
            Interlocked.Decrement(ref count);
            Interlocked.Increment(ref dropped);
            metrics.OnOverflow();
            Schedule();
            return false;
        }
        items.Enqueue(realtimeEvent);
        Schedule();
        return true;
    }

    /// <summary>Tells the consumer, after what is already queued, that events may have been lost elsewhere.</summary>
    public void NotifyMissed()
    {
        Interlocked.Exchange(ref missedNotice, 1);
        Schedule();
    }

    /// <summary>Takes nothing more; delivers what is queued, then calls <see cref="IRealtimeQueueConsumer.RevokedAsync"/>.</summary>
    public void Revoke()
    {
        if (Interlocked.Exchange(ref revoked, 1) == 1) return;
        Schedule();
    }

    private void Schedule()
    {
        if (closed) return;
        if (Volatile.Read(ref scheduled) == 0 && Interlocked.CompareExchange(ref scheduled, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute() => _ = DrainAsync();

    private void DeliverInline(RealtimeEvent realtimeEvent)
    {
        batch.Add(realtimeEvent);
        var delivering = Safely(static (c, b) => c.DeliverAsync(b), batch, "delivering", 1);
        if (!delivering.IsCompletedSuccessfully)
        {
            _ = FinishInlineThenDrainAsync(delivering);
            return;
        }
        batch.Clear();
        if (Release()) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private async Task FinishInlineThenDrainAsync(ValueTask delivering)
    {
        await delivering; // Safely never throws
        batch.Clear();
        await DrainAsync();
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            while (!closed && TryTake(out var first))
            {
                batch.Add(first);
                while (batch.Count < MaxBatch && TryTake(out var next)) batch.Add(next);
                await Safely(static (c, b) => c.DeliverAsync(b), batch, "delivering", batch.Count);
                batch.Clear();
            }
            if (!closed && (Interlocked.Read(ref dropped) > 0 || Volatile.Read(ref missedNotice) == 1))
            {
                Interlocked.Exchange(ref missedNotice, 0);
                await Safely(static (c, n) => c.MissedAsync(n), Interlocked.Exchange(ref dropped, 0), "reporting missed events", 0);
            }
            if (!closed && Volatile.Read(ref revoked) == 1 && items.IsEmpty)
            {
                closed = true;
                await Safely(static (c, _) => c.RevokedAsync(), 0, "ending a revoked connection", 0);
            }
            if (!Release()) return;
        }
    }

    /// <summary>Gives up delivery; true when there is more to do and this caller took delivery back to do it.</summary>
    private bool Release()
    {
        // A full fence: either a poster's CompareExchange sees 0 and schedules the next drain, or the checks below
        // see its item; CloseAsync pairs with it the same way.
        Interlocked.Exchange(ref scheduled, 0);
        if (closed)
        {
            Volatile.Read(ref stopped)?.TrySetResult();
            return false;
        }
        var more = !items.IsEmpty || Interlocked.Read(ref dropped) > 0 || Volatile.Read(ref missedNotice) == 1
            || Volatile.Read(ref revoked) == 1;
        return more && Interlocked.CompareExchange(ref scheduled, 1, 0) == 0;
    }

    private bool TryTake(out RealtimeEvent realtimeEvent)
    {
        if (!items.TryDequeue(out realtimeEvent!)) return false;
        Interlocked.Decrement(ref count);
        return true;
    }

    private async ValueTask Safely<TState>(Func<IRealtimeQueueConsumer, TState, ValueTask> call, TState state, string what, int events)
    {
        using var activity = events > 0 ? RealtimeTracing.StartDeliver(ConnectionId, batch) : null;
        try
        {
            var work = call(consumer, state);
            if (!work.IsCompletedSuccessfully) await work;
            if (events > 0) metrics.OnDelivered(events);
        }
        catch (Exception ex)
        {
            // A delivery fault is logged and counted; it never ends the queue or reaches the publisher.
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
            metrics.OnHandlerFailure();
            logger.LogError(ex, "Realtime connection {Connection} failed {What}", ConnectionId, what);
        }
    }

    /// <summary>Stops taking events and completes once a running drain has finished the batch in hand (waiting at
    /// most 5 s); events still queued are discarded.</summary>
    public async Task CloseAsync()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Set before `closed`, so a drain that sees `closed` sees the signal; a second close shares the first's.
        var first = Interlocked.CompareExchange(ref stopped, signal, null);
        if (first is null)
        {
            closed = true;
            // Taking `scheduled` when no drain runs means none can start again.
            if (Interlocked.CompareExchange(ref scheduled, 1, 0) == 0) signal.TrySetResult();
        }
        try
        {
            await (first ?? signal).Task.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Realtime connection {Connection} was still delivering 5 s after it closed", ConnectionId);
        }
    }
}
