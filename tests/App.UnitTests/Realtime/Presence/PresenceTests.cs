using App.Realtime;
using App.Realtime.Presence;
using App.Tests.Shared;

namespace App.UnitTests.Realtime.Presence;

/// <summary>Presence semantics (Phoenix Presence): a user with several connections counts once, leaving is at once,
/// every change reaches exactly the connections that hear the topic; the same with the in-memory and the Redis store.</summary>
public sealed class PresenceTests
{
    private const string Topic = "workspace:presence-a";
    private const string OtherTopic = "workspace:presence-b";

    [Theory]
    [MemberData(nameof(PresenceInstance.Stores), MemberType = typeof(PresenceInstance))]
    public async Task Several_tabs_of_one_user_count_once_and_each_leaves_on_dispose(string store)
    {
        await using var instance = await PresenceInstance.StartAsync(store, PresenceInstance.NewPrefix());
        var member = instance.Listen("member", Topic);
        var outsider = instance.Listen("outsider", OtherTopic);

        var annTab1 = await instance.Presence.TrackAsync(Topic, "ann", new PresenceMeta("Ann"), "c-ann-1");
        var annTab2 = await instance.Presence.TrackAsync(Topic, "ann", new PresenceMeta("Ann"), "c-ann-2");
        var bob = await instance.Presence.TrackAsync(Topic, "bob", new PresenceMeta("Bob"), "c-bob");

        var state = await instance.Presence.ListAsync(Topic);
        Assert.Equal(["Ann", "Bob"], state.Entries.Select(e => e.Name));
        Assert.Equal(2, state.Entries.Single(e => e.Key == "ann").Metas.Count);
        Assert.Equal(["Ann", "Bob"], member.LastPresence(Topic)!.Entries.Select(e => e.Name));
        Assert.DoesNotContain(outsider.Received, e => e.Name == PresenceEvents.Changed);
        Assert.Empty((await instance.Presence.ListAsync(OtherTopic)).Entries);

        await annTab1.DisposeAsync();
        Assert.Equal(["Ann", "Bob"], (await instance.Presence.ListAsync(Topic)).Entries.Select(e => e.Name));
        await annTab2.DisposeAsync();
        Assert.Equal(["Bob"], (await instance.Presence.ListAsync(Topic)).Entries.Select(e => e.Name));
        Assert.Equal(["Bob"], member.LastPresence(Topic)!.Entries.Select(e => e.Name));
        await bob.DisposeAsync();
        await bob.DisposeAsync(); // twice is harmless
        Assert.Empty((await instance.Presence.ListAsync(Topic)).Entries);
        Assert.Empty(member.LastPresence(Topic)!.Entries);
    }

    [Theory]
    [MemberData(nameof(PresenceInstance.Stores), MemberType = typeof(PresenceInstance))]
    public async Task Updating_a_meta_says_what_the_user_edits_and_versions_only_grow(string store)
    {
        await using var instance = await PresenceInstance.StartAsync(store, PresenceInstance.NewPrefix());
        var member = instance.Listen("member", Topic);
        await using var ann = await instance.Presence.TrackAsync(Topic, "ann", new PresenceMeta("Ann"), "c-ann");
        var before = await instance.Presence.ListAsync(Topic);

        await ann.UpdateAsync(new PresenceMeta("Ann", PresenceActivities.Editing, "project-7"));

        var after = await instance.Presence.ListAsync(Topic);
        Assert.True(after.Version > before.Version);
        Assert.True(after.Entries.Single().Is(PresenceActivities.Editing, "project-7"));
        Assert.False(after.Entries.Single().Is(PresenceActivities.Editing, "project-8"));
        Assert.True(member.LastPresence(Topic)!.Entries.Single().Is(PresenceActivities.Editing, "project-7"));
    }

    [Theory]
    [MemberData(nameof(PresenceInstance.Stores), MemberType = typeof(PresenceInstance))]
    public async Task Bad_input_is_refused_with_a_clear_error(string store)
    {
        await using var instance = await PresenceInstance.StartAsync(store, PresenceInstance.NewPrefix());
        await Assert.ThrowsAsync<ArgumentException>(() => instance.Presence.TrackAsync("not a topic", "ann", new PresenceMeta("Ann"), "c"));
        await Assert.ThrowsAsync<ArgumentException>(() => instance.Presence.TrackAsync(Topic, "ann", new PresenceMeta(""), "c"));
        await Assert.ThrowsAsync<ArgumentException>(() => instance.Presence.TrackAsync(Topic, "ann", new PresenceMeta("Ann", "Editing!"), "c"));
        Assert.Empty((await instance.Presence.ListAsync(Topic)).Entries);
    }

    [Theory]
    [MemberData(nameof(PresenceInstance.Stores), MemberType = typeof(PresenceInstance))]
    public async Task A_heartbeat_on_its_way_does_not_bring_back_a_tab_that_left_meanwhile(string store)
    {
        PausedRenewStore? paused = null;
        // Not started: the test runs the one heartbeat itself.
        await using var instance = await PresenceInstance.StartAsync(store, PresenceInstance.NewPrefix(), null, null, start: false,
            redisUrl: null, wrapStore: s => paused = new PausedRenewStore(s));
        var member = instance.Listen("member", Topic);
        await using var bob = await instance.Presence.TrackAsync(Topic, "bob", new PresenceMeta("Bob"), "c-bob");
        var ann = await instance.Presence.TrackAsync(Topic, "ann", new PresenceMeta("Ann"), "c-ann");

        var beat = instance.Engine.BeatAsync();
        await paused!.Entered.Task;
        await ann.DisposeAsync();
        paused.Release.SetResult();
        await beat;

        Assert.Equal(["Bob"], (await instance.Presence.ListAsync(Topic)).Entries.Select(e => e.Name));
        Assert.Equal(["Bob"], member.LastPresence(Topic)!.Entries.Select(e => e.Name));
    }

    [Theory]
    [MemberData(nameof(PresenceInstance.Stores), MemberType = typeof(PresenceInstance))]
    public async Task A_heartbeat_on_its_way_does_not_undo_an_update_made_meanwhile(string store)
    {
        PausedRenewStore? paused = null;
        await using var instance = await PresenceInstance.StartAsync(store, PresenceInstance.NewPrefix(), null, null, start: false,
            redisUrl: null, wrapStore: s => paused = new PausedRenewStore(s));
        var member = instance.Listen("member", Topic);
        await using var ann = await instance.Presence.TrackAsync(Topic, "ann", new PresenceMeta("Ann"), "c-ann");

        var beat = instance.Engine.BeatAsync();
        await paused!.Entered.Task;
        await ann.UpdateAsync(new PresenceMeta("Ann", PresenceActivities.Editing, "p1"));
        paused.Release.SetResult();
        await beat;

        Assert.True((await instance.Presence.ListAsync(Topic)).Entries.Single().Is(PresenceActivities.Editing, "p1"));
        Assert.True(member.LastPresence(Topic)!.Entries.Single().Is(PresenceActivities.Editing, "p1"));
    }

    [Fact]
    public async Task A_stopped_instance_leaves_at_once()
    {
        var prefix = PresenceInstance.NewPrefix();
        await using var survivor = await PresenceInstance.StartAsync(PresenceInstance.Redis, prefix);
        var stopping = await PresenceInstance.StartAsync(PresenceInstance.Redis, prefix);
        await stopping.Presence.TrackAsync(Topic, "ann", new PresenceMeta("Ann"), "c-ann");
        Assert.Single((await survivor.Presence.ListAsync(Topic)).Entries);

        await stopping.DisposeAsync();

        Assert.Empty((await survivor.Presence.ListAsync(Topic)).Entries);
    }

    [Fact]
    public async Task Joins_on_one_instance_reach_connections_on_another()
    {
        var prefix = PresenceInstance.NewPrefix();
        await using var first = await PresenceInstance.StartAsync(PresenceInstance.Redis, prefix);
        await using var second = await PresenceInstance.StartAsync(PresenceInstance.Redis, prefix);
        var watcher = second.Listen("watcher", Topic, RealtimeTopics.Global);
        await RelayReadyAsync(first, watcher);

        await using var ann = await first.Presence.TrackAsync(Topic, "ann", new PresenceMeta("Ann"), "c-ann");

        await Eventually.TrueAsync(() => watcher.LastPresence(Topic)?.Entries.Count == 1);
        Assert.Equal("Ann", (await second.Presence.ListAsync(Topic)).Entries.Single().Name);
    }

    [Fact]
    public async Task A_dead_instance_s_users_expire_and_the_survivors_are_told()
    {
        var prefix = PresenceInstance.NewPrefix();
        // A 5 s timeout: long enough for both joins to be seen on a loaded machine, short enough for a test.
        await using var survivor = await PresenceInstance.StartAsync(PresenceInstance.Redis, prefix,
            heartbeat: TimeSpan.FromMilliseconds(500), timeout: TimeSpan.FromSeconds(5));
        // Never started: it writes its entry and then never renews it, as a crashed instance.
        await using var dead = await PresenceInstance.StartAsync(PresenceInstance.Redis, prefix,
            heartbeat: TimeSpan.FromMilliseconds(500), timeout: TimeSpan.FromSeconds(5), start: false);
        var watcher = survivor.Listen("watcher", Topic);
        await dead.Presence.TrackAsync(Topic, "ann", new PresenceMeta("Ann"), "c-ann");
        await using var bob = await survivor.Presence.TrackAsync(Topic, "bob", new PresenceMeta("Bob"), "c-bob");
        Assert.Equal(["Ann", "Bob"], watcher.LastPresence(Topic)!.Entries.Select(e => e.Name));

        // Bob's instance keeps renewing his entry; Ann's expires after 5 s and the sweep tells the watcher.
        await Eventually.TrueAsync(() => watcher.LastPresence(Topic) is { } s && s.Entries.Select(e => e.Name).SequenceEqual(["Bob"]),
            TimeSpan.FromSeconds(20));
        Assert.Equal(["Bob"], (await survivor.Presence.ListAsync(Topic)).Entries.Select(e => e.Name));
    }

    [Fact]
    public async Task After_a_Redis_outage_an_instance_tells_its_topics_again_until_the_others_are_back_too()
    {
        await using var redis = await TestRedis.StartAsync();
        var prefix = PresenceInstance.NewPrefix();
        var heartbeat = TimeSpan.FromMilliseconds(300);
        var timeout = TimeSpan.FromSeconds(3);
        // This instance hears nothing from the other: the worst case of a relay that resubscribes after the outage
        // (what the other instance publishes meanwhile is lost here). Its watcher learns only what this instance tells.
        await using var here = await PresenceInstance.StartDeafAsync(prefix, heartbeat, timeout, redis.Url);
        // The other instance beats when the test says so: after this one is back.
        await using var other = await PresenceInstance.StartAsync(PresenceInstance.Redis, prefix, heartbeat, timeout, start: false,
            redis.Url, wrapStore: null);
        var watcher = here.Listen("watcher", Topic);
        await using var bob = await other.Presence.TrackAsync(Topic, "bob", new PresenceMeta("Bob"), "c-bob");
        await using var ann = await here.Presence.TrackAsync(Topic, "ann", new PresenceMeta("Ann"), "c-ann");
        Assert.Equal("Ann, Bob", Names(watcher));

        await redis.StopAsync();
        await using var carol = await other.Presence.TrackAsync(Topic, "carol", new PresenceMeta("Carol"), "c-carol");
        await redis.StartAgainAsync();
        // Redis came back empty: this instance writes Ann again and tells the topic; then the other writes Carol back.
        await Eventually.TrueAsync(() => Names(watcher) == "Ann", TimeSpan.FromSeconds(10));
        await other.Engine.BeatAsync();

        await Eventually.TrueAsync(() => Names(watcher) == "Ann, Bob, Carol", TimeSpan.FromSeconds(5));
    }

    /// <summary>What a list shows that takes each state as it arrives (as a component does after a missed notice).</summary>
    private static string Names(RecordingConnection watcher) => watcher.Received
        .Where(e => e.Name == PresenceEvents.Changed && e.Topic == Topic)
        .Select(e => string.Join(", ", e.PayloadAs<PresenceState>()!.Entries.Select(x => x.Name)))
        .LastOrDefault() ?? "";

    /// <summary>Waits until the second instance's relay subscription is live (it subscribes in the background).</summary>
    private static async Task RelayReadyAsync(PresenceInstance from, RecordingConnection watcher)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!watcher.Received.Any(e => e.Name == "tests.relay.ready"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the Redis relay never delivered");
            from.Publisher.Publish(new RealtimeEvent
            {
                Name = "tests.relay.ready", Topic = RealtimeTopics.Global, Payload = System.Text.Json.JsonSerializer.SerializeToElement(new { }),
            });
            await Task.Delay(100);
        }
    }
}
