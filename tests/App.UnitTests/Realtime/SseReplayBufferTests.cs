using App.Domain.Events;
using App.Realtime;
using App.Realtime.Circuits;
using App.Web.Realtime;
using App.Realtime.Sse;

namespace App.UnitTests.Realtime;

/// <summary>Resume by arrival position: what arrived after the client's last event, in arrival order, or a reset.</summary>
public sealed class SseReplayBufferTests
{
    private static readonly EventScope A = EventScope.Workspace(Guid.NewGuid());
    private static readonly EventScope B = EventScope.Workspace(Guid.NewGuid());
    private static readonly EventScope C = EventScope.User("someone-else");

    private static RealtimeEvent Event(long sequence, EventScope scope, string instance = "instance-a") =>
        new() { Name = "tests.replay.event", Topic = scope.Key, Sequence = sequence, Instance = instance };

    private static List<long> Ids(IReadOnlyList<RealtimeEvent> events) => events.Select(e => e.Sequence).ToList();

    [Fact]
    public void Resume_returns_exactly_what_arrived_after_the_last_event()
    {
        var buffer = new SseReplayBuffer();
        var sequence = new RealtimeSequence(instanceSlot: 5, startCounter: 1000);
        var ids = Enumerable.Range(0, 5).Select(_ => sequence.Next()).ToList();
        foreach (var id in ids) buffer.Publish(Event(id, A), fromThisInstance: true);

        var (reset, events) = buffer.After([A.Key], ids[1]);

        Assert.False(reset);
        Assert.Equal(ids[2..], Ids(events));
        Assert.Empty(buffer.After([A.Key], ids[^1]).Events);
    }

    [Fact]
    public void A_resume_gets_only_the_latest_presence_state_of_a_topic_and_an_older_ones_id_still_resumes()
    {
        var buffer = new SseReplayBuffer();
        RealtimeEvent Presence(long sequence, EventScope scope) =>
            new() { Name = App.Realtime.Presence.PresenceEvents.Changed, Topic = scope.Key, Sequence = sequence };
        buffer.Publish(Event(1, A), true);
        buffer.Publish(Presence(2, A), true);
        buffer.Publish(Presence(3, B), true);
        buffer.Publish(Event(4, A), true);
        buffer.Publish(Presence(5, A), true);
        buffer.Publish(Presence(6, A), true);

        // 2 and 5 were replaced by 6 (the whole state of A); B's own latest (3) stays.
        Assert.Equal([3, 4, 6], Ids(buffer.After([A.Key, B.Key], 1).Events));
        var (reset, events) = buffer.After([A.Key], 5);
        Assert.False(reset);
        Assert.Equal([6], Ids(events));
    }

    [Fact]
    public void Interleaved_scopes_come_back_in_arrival_order_and_only_the_requested_ones()
    {
        var buffer = new SseReplayBuffer();
        buffer.Publish(Event(1024 + 1, A), true);
        buffer.Publish(Event(2048 + 1, B), true);
        buffer.Publish(Event(3072 + 1, A), true);
        buffer.Publish(Event(4096 + 1, C), true);
        buffer.Publish(Event(5120 + 1, B), true);

        var (reset, events) = buffer.After([A.Key, B.Key], 1024 + 1);

        Assert.False(reset);
        Assert.Equal([2048 + 1, 3072 + 1, 5120 + 1], Ids(events));
    }

    [Fact]
    public void Ids_from_other_instances_arriving_out_of_numeric_order_are_neither_skipped_nor_repeated()
    {
        var buffer = new SseReplayBuffer();
        // Instance slot 7 and slot 3 numbered concurrently from the same counter; a lagging instance (slot 900)
        // arrives later with a lower counter still.
        long first = 10 * 1024 + 7, lower = 10 * 1024 + 3, lowest = 9 * 1024 + 900, local = 11 * 1024 + 7;
        buffer.Publish(Event(first, A, "slot-7"), true);
        buffer.Publish(Event(lower, A, "slot-3"), false);
        buffer.Publish(Event(lowest, B, "slot-900"), false);
        buffer.Publish(Event(local, A, "slot-7"), true);

        Assert.Equal([lower, lowest, local], Ids(buffer.After([A.Key, B.Key], first).Events));
        Assert.Equal([lowest, local], Ids(buffer.After([A.Key, B.Key], lower).Events));
        Assert.Equal([local], Ids(buffer.After([A.Key, B.Key], lowest).Events));
    }

    [Fact]
    public void An_unknown_id_resets()
    {
        var buffer = new SseReplayBuffer();
        buffer.Publish(Event(5 * 1024 + 1, A), true);

        Assert.True(buffer.After([A.Key], 1).Reset); // e.g. from before this process started
        Assert.True(buffer.After([A.Key], 5 * 1024 + 2).Reset); // never seen, even though numerically close
        Assert.True(new SseReplayBuffer().After([A.Key], 5 * 1024 + 1).Reset);
    }

    [Fact]
    public void An_evicted_last_event_resets()
    {
        var buffer = new SseReplayBuffer();
        var ids = Enumerable.Range(1, SseReplayBuffer.PerTopic + 1).Select(i => (long)i * 1024).ToList();
        foreach (var id in ids) buffer.Publish(Event(id, A), true);

        Assert.True(buffer.After([A.Key], ids[0]).Reset);
        Assert.Equal(ids[2..], Ids(buffer.After([A.Key], ids[1]).Events));
    }

    [Fact]
    public void A_requested_scope_that_dropped_events_after_the_last_one_resets_and_an_unaffected_one_does_not()
    {
        var buffer = new SseReplayBuffer();
        buffer.Publish(Event(1, B), true);
        for (var i = 0; i <= SseReplayBuffer.PerTopic; i++) buffer.Publish(Event(1024 * (i + 1), A), true);

        Assert.True(buffer.After([A.Key, B.Key], 1).Reset); // A's first events after it are gone
        var (reset, events) = buffer.After([B.Key], 1);
        Assert.False(reset);
        Assert.Empty(events);
    }

    [Fact]
    public void A_scope_evicted_whole_resets_only_when_it_may_have_held_events_after_the_last_one()
    {
        var buffer = new SseReplayBuffer();
        buffer.Publish(Event(1, C), true);
        buffer.Publish(Event(2, A), true); // A is then the least recently written scope: evicted first
        buffer.Publish(Event(3, C), true);
        for (var i = 0; i < SseReplayBuffer.MaxTopics - 1; i++) buffer.Publish(Event(1024 * (i + 1), EventScope.User($"u{i}")), true);

        Assert.True(buffer.After([A.Key, C.Key], 1).Reset); // A had an event after 1, now gone
        Assert.True(buffer.After([A.Key], 2).Reset); // A's own event is gone
        var (reset, events) = buffer.After([A.Key, C.Key], 3); // everything A had arrived before 3
        Assert.False(reset);
        Assert.Empty(events);
    }
}
