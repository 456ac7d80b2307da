using App.Domain.Events;
using App.Domain.Workspaces;
using App.Realtime;
using App.Realtime.Circuits;
using App.Web.Realtime;

namespace App.UnitTests.Realtime;

/// <summary>A connection registers, then resolves its memberships from the database, then adds them. A membership
/// removal routed between the query and the add must win over the (now stale) query result.</summary>
public sealed class AudienceRevocationTests
{
    [Fact]
    public async Task A_removal_routed_while_a_connection_resolves_its_memberships_is_not_undone_by_the_stale_list()
    {
        await using var harness = new RealtimeHarness();
        var workspace = Guid.NewGuid();
        var connection = new RecordingConnection("circuit");
        harness.Audience.Register(connection, "bob", []);
        IReadOnlyList<string> resolved = [EventScope.Workspace(workspace).Key];            // queried just before the removal committed

        await PublishMembershipAsync(harness, workspace, "bob", isMember: false);
        harness.Audience.AddTopics(connection, resolved);
        await harness.PublishAsync("tests.secret.event", EventScope.Workspace(workspace));

        Assert.DoesNotContain(connection.Received, e => e.Name == "tests.secret.event");
        Assert.DoesNotContain(EventScope.Workspace(workspace).Key, harness.Audience.TopicsOf(connection));
    }

    [Fact]
    public async Task A_later_membership_grant_restores_delivery_after_a_removal()
    {
        await using var harness = new RealtimeHarness();
        var workspace = Guid.NewGuid();
        var connection = new RecordingConnection("circuit");
        harness.Audience.Register(connection, "bob", []);
        await PublishMembershipAsync(harness, workspace, "bob", isMember: false);
        harness.Audience.AddTopics(connection, [EventScope.Workspace(workspace).Key]);

        await PublishMembershipAsync(harness, workspace, "bob", isMember: true);
        await harness.PublishAsync("tests.welcome.event", EventScope.Workspace(workspace));

        Assert.Contains(connection.Received, e => e.Name == "tests.welcome.event");
        Assert.Contains(EventScope.Workspace(workspace).Key, harness.Audience.TopicsOf(connection));
    }

    [Fact]
    public void Scope_keys_follow_membership_changes_after_registration()
    {
        var audience = new RealtimeAudience();
        var kept = Guid.NewGuid();
        var left = Guid.NewGuid();
        var joined = Guid.NewGuid();
        var connection = new RecordingConnection("hub");
        audience.Register(connection, "bob", []);
        audience.AddTopics(connection, [EventScope.Workspace(kept).Key, EventScope.Workspace(left).Key]);

        audience.RemoveMembership("bob", left);
        audience.AddMembership("bob", joined);

        Assert.Equal(
            new[] { EventScope.Global.Key, EventScope.User("bob").Key, EventScope.Workspace(kept).Key, EventScope.Workspace(joined).Key }.Order(),
            audience.TopicsOf(connection).Order());
        Assert.Empty(audience.TopicsOf(new RecordingConnection("never registered")));
    }

    internal static ValueTask PublishMembershipAsync(RealtimeHarness harness, Guid workspace, string user, bool isMember) =>
        harness.Bus.PublishAsync(EntityChangePublisher.Create("workspaces", "membership", WorkspaceMembers.ChangedEvent, "tests.members")
            .Prepare(isMember ? EntityOperation.Created : EntityOperation.Deleted, $"{workspace}:{user}", new()
            {
                Scope = EventScope.Workspace(workspace),
                Payload = new MembershipChange(workspace, user, user + "@x", WorkspaceRole.Member, isMember),
            }));
}
