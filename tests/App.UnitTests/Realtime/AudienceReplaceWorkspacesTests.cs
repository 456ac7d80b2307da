using App.Domain.Events;
using App.Realtime;
using App.Realtime.Circuits;
using App.Web.Realtime;

namespace App.UnitTests.Realtime;

/// <summary>Re-resolving a user's memberships (after a Redis outage) makes the audience match the database, while
/// membership events applied after the query keep precedence.</summary>
public sealed class AudienceReplaceTopicsTests
{
    [Fact]
    public async Task Replacing_memberships_stops_delivery_of_left_workspaces_and_starts_joined_ones_on_every_connection()
    {
        await using var harness = new RealtimeHarness();
        var (kept, left, joined) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var tabs = new[] { new RecordingConnection("tab-1"), new RecordingConnection("tab-2") };
        foreach (var tab in tabs) harness.Audience.Register(tab, "bob", [kept, left]);
        var other = new RecordingConnection("alice");
        harness.Audience.Register(other, "alice", [left]);

        var changes = harness.Audience.ReplaceTopics("bob", [kept, joined], harness.Audience.TopicVersion);
        foreach (var workspace in new[] { kept, left, joined })
            await harness.PublishAsync("tests.workspace.event", EventScope.Workspace(workspace));

        Assert.Equal((2, 2), changes);
        foreach (var tab in tabs)
            Assert.Equal([EventScope.Workspace(kept).Key, EventScope.Workspace(joined).Key], tab.Received.Select(e => e.Topic));
        Assert.Equal([EventScope.Workspace(left).Key], other.Received.Select(e => e.Topic));
    }

    [Fact]
    public async Task Membership_events_applied_after_the_query_win_over_the_replacement()
    {
        await using var harness = new RealtimeHarness();
        var (removedMeanwhile, addedMeanwhile) = (Guid.NewGuid(), Guid.NewGuid());
        var connection = new RecordingConnection("tab");
        harness.Audience.Register(connection, "bob", [removedMeanwhile]);
        var asOf = harness.Audience.TopicVersion;
        IReadOnlyList<Guid> queried = [removedMeanwhile];       // the database answer, just before both events

        await AudienceRevocationTests.PublishMembershipAsync(harness, removedMeanwhile, "bob", isMember: false);
        await AudienceRevocationTests.PublishMembershipAsync(harness, addedMeanwhile, "bob", isMember: true);
        harness.Audience.ReplaceTopics("bob", queried, asOf);

        Assert.Equal(
            new[] { EventScope.Global.Key, EventScope.User("bob").Key, EventScope.Workspace(addedMeanwhile).Key }.Order(),
            harness.Audience.TopicsOf(connection).Order());
    }

    [Fact]
    public void Replacing_memberships_of_an_unregistered_connection_adds_nothing()
    {
        var audience = new RealtimeAudience();
        var workspace = Guid.NewGuid();
        var connection = new RecordingConnection("tab");
        audience.Register(connection, "bob", []);
        audience.Unregister(connection);

        Assert.Equal((0, 0), audience.ReplaceTopics("bob", [workspace], audience.TopicVersion));
        Assert.Empty(audience.Of(EventScope.Workspace(workspace)));
    }
}
