using App.Domain.Events;

namespace App.UnitTests.Realtime;

/// <summary>A connection (circuit, hub, SSE stream) joins the audience before its memberships are read, so a change
/// routed meanwhile counts.</summary>
public sealed class AudienceJoinTests
{
    [Fact]
    public async Task A_membership_added_while_the_memberships_are_read_still_delivers_that_workspace()
    {
        await using var harness = new RealtimeHarness();
        var connection = new RecordingConnection("sse-test");
        var existing = Guid.NewGuid();
        var joined = Guid.NewGuid();

        var scopes = await harness.Audience.JoinAsync(connection, "user-1", _ =>
        {
            // The query read the database before the new membership committed; its change event is routed now.
            IReadOnlyList<string> read = [EventScope.Workspace(existing).Key];
            harness.Audience.AddMembership("user-1", joined);
            return Task.FromResult(read);
        });
        await harness.PublishAsync("tests.sse.event", EventScope.Workspace(joined), new { n = 1 });
        await harness.PublishAsync("tests.sse.event", EventScope.Workspace(existing), new { n = 2 });
        await harness.PublishAsync("tests.sse.event", EventScope.Workspace(Guid.NewGuid()), new { n = 3 });

        Assert.Equal([EventScope.Workspace(joined).Key, EventScope.Workspace(existing).Key], connection.Received.Select(e => e.Topic));
        // Resume covers what the audience holds: the workspace granted during the query too.
        Assert.Equal(
            new[] { EventScope.Global.Key, EventScope.User("user-1").Key, EventScope.Workspace(existing).Key, EventScope.Workspace(joined).Key }.Order(),
            scopes.Order());
    }
}
