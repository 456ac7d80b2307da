using System.Collections.Concurrent;

namespace App.Web.Realtime;

/// <summary>
/// A bounded queue with one consumer that only runs while there is work: the first item posted to an empty
/// mailbox schedules one drain on the thread pool, which hands items to <c>consume</c> one at a time and in order
/// (awaiting it when it does not finish synchronously), calls <c>drained</c> once the mailbox is empty, and ends.
/// Posting never waits; a full mailbox refuses the item.
/// </summary>
/// <remarks>
/// Why not a bounded Channel and a reader loop: that costs a lock per item on both sides and an async resumption
/// per wake-up, and with many connections each seeing a few events (a workspace's audience) wake-ups are most of
/// what a delivery costs. Here a post is a lock-free enqueue, and a burst costs one thread-pool hop.
/// The drain runs without the poster's ExecutionContext: a publisher's async-locals never reach another
/// connection's handlers.
/// </remarks>
internal sealed class BoundedMailbox<T> : IThreadPoolWorkItem
{
    private readonly ConcurrentQueue<T> items = new();
    private readonly Func<T, ValueTask> consume;
    private readonly Func<ValueTask> drained;
    private readonly int capacity;
    private int count;
    private int scheduled; // 1 while a drain is queued or running
    private volatile bool closed;
    private TaskCompletionSource? stopped;

    /// <param name="consume">Handles one item; must not throw (the caller logs and counts its own faults).</param>
    /// <param name="drained">Runs each time the mailbox ran empty; must not throw.</param>
    public BoundedMailbox(int capacity, Func<T, ValueTask> consume, Func<ValueTask> drained)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.capacity = capacity;
        this.consume = consume;
        this.drained = drained;
    }

    /// <summary>Queues <paramref name="item"/>. False when the mailbox is full; a closed mailbox discards
    /// silently.</summary>
    public bool TryPost(T item)
    {
        if (closed) return true;
        if (Interlocked.Increment(ref count) > capacity)
        {
            Interlocked.Decrement(ref count);
            return false;
        }
        items.Enqueue(item);
        if (Volatile.Read(ref scheduled) == 0 && Interlocked.CompareExchange(ref scheduled, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return true;
    }

    void IThreadPoolWorkItem.Execute() => _ = DrainAsync();

    private async Task DrainAsync()
    {
        while (true)
        {
            while (!closed && items.TryDequeue(out var item))
            {
                Interlocked.Decrement(ref count);
                var consuming = consume(item);
                if (!consuming.IsCompletedSuccessfully) await consuming;
            }
            if (!closed)
            {
                var ending = drained();
                if (!ending.IsCompletedSuccessfully) await ending;
            }
            // A full fence: either a poster's CompareExchange sees 0 and schedules the next drain, or the check
            // below sees its item; Close pairs with it the same way.
            Interlocked.Exchange(ref scheduled, 0);
            if (closed)
            {
                Volatile.Read(ref stopped)?.TrySetResult();
                return;
            }
            if (items.IsEmpty || Interlocked.CompareExchange(ref scheduled, 1, 0) != 0) return;
        }
    }

    /// <summary>Stops taking items and completes once a running drain has finished the item in hand; items still
    /// queued are discarded.</summary>
    public Task CloseAsync()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Set before `closed`, so a drain that sees `closed` sees the signal; a second close shares the first's.
        if (Interlocked.CompareExchange(ref stopped, signal, null) is { } closing) return closing.Task;
        closed = true;
        // Taking `scheduled` when no drain runs means none can start again.
        if (Interlocked.CompareExchange(ref scheduled, 1, 0) == 0) signal.TrySetResult();
        return signal.Task;
    }
}
