using App.Web.Realtime;

namespace App.UnitTests.Realtime;

/// <summary>The queue behind every circuit's subscriptions: order, one item at a time, bounds, closing.</summary>
public sealed class BoundedMailboxTests
{
    [Fact]
    public async Task Items_arrive_once_each_in_order_one_at_a_time_across_many_drains()
    {
        var seen = new List<int>();
        var running = 0;
        var overlapped = false;
        var drains = 0;
        var mailbox = new BoundedMailbox<int>(64, async item =>
        {
            if (Interlocked.Increment(ref running) > 1) overlapped = true;
            if (item % 7 == 0) await Task.Yield(); // some items finish asynchronously
            lock (seen) seen.Add(item);
            Interlocked.Decrement(ref running);
        }, () =>
        {
            Interlocked.Increment(ref drains);
            return ValueTask.CompletedTask;
        });

        for (var i = 0; i < 5_000; i++)
        {
            while (!mailbox.TryPost(i)) await Task.Yield(); // full: wait for room, lose nothing
            if (i % 100 == 0) await Task.Delay(1); // let it run empty now and then
        }

        await Eventually.TrueAsync(() => { lock (seen) return seen.Count == 5_000; });
        Assert.Equal(Enumerable.Range(0, 5_000), seen);
        Assert.False(overlapped);
        Assert.True(drains > 1, "the drain should stop when empty and start again on the next post");
    }

    [Fact]
    public async Task A_full_mailbox_refuses_and_takes_items_again_once_drained()
    {
        var gate = new TaskCompletionSource();
        var seen = new List<int>();
        var mailbox = new BoundedMailbox<int>(3, async item =>
        {
            await gate.Task;
            lock (seen) seen.Add(item);
        }, () => ValueTask.CompletedTask);

        Assert.True(mailbox.TryPost(1));
        await Task.Delay(20); // item 1 is in hand, waiting on the gate; the mailbox holds the next three
        Assert.True(mailbox.TryPost(2));
        Assert.True(mailbox.TryPost(3));
        Assert.True(mailbox.TryPost(4));
        Assert.False(mailbox.TryPost(5));

        gate.SetResult();
        await Eventually.TrueAsync(() => { lock (seen) return seen.Count == 4; });
        Assert.True(mailbox.TryPost(6));
        await Eventually.TrueAsync(() => { lock (seen) return seen.Count == 5; });
        Assert.Equal([1, 2, 3, 4, 6], seen);
    }

    [Fact]
    public async Task Closing_waits_for_the_item_in_hand_and_discards_the_rest_and_later_posts()
    {
        var gate = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var seen = new List<int>();
        var mailbox = new BoundedMailbox<int>(8, async item =>
        {
            started.TrySetResult();
            await gate.Task;
            lock (seen) seen.Add(item);
        }, () => ValueTask.CompletedTask);
        mailbox.TryPost(1);
        mailbox.TryPost(2);
        await started.Task;

        var closing = mailbox.CloseAsync();
        await Task.Delay(20);
        Assert.False(closing.IsCompleted); // item 1 is still being handled
        Assert.Same(closing, mailbox.CloseAsync());

        gate.SetResult();
        await closing.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(mailbox.TryPost(3)); // a closed mailbox takes nothing, and says so by not counting it as full
        await Task.Delay(20);
        Assert.Equal([1], seen);
    }

    [Fact]
    public async Task Closing_an_idle_mailbox_completes_at_once()
    {
        var mailbox = new BoundedMailbox<int>(8, _ => ValueTask.CompletedTask, () => ValueTask.CompletedTask);
        await mailbox.CloseAsync().WaitAsync(TimeSpan.FromSeconds(1));
    }
}
