using System.Text.Json;
using App.Domain.Events;
using App.Domain.Workspaces;
using App.Realtime;
using App.Web.Workspaces;

namespace App.UnitTests.Workspaces;

/// <summary>What every workspace page reacts to as "I lost this workspace": only my removal, only from this workspace.</summary>
public sealed class MembershipRemovalTests
{
    private static readonly Guid Team = Guid.NewGuid();
    private static readonly Guid Other = Guid.NewGuid();

    [Fact]
    public void Only_my_removal_published_to_this_workspace_counts()
    {
        var team = EventScope.Workspace(Team);
        Assert.True(Event(team, Change(Team, "ann", isMember: false)).IsRemovalOf(team, "ann"));

        Assert.False(Event(team, Change(Team, "bob", isMember: false)).IsRemovalOf(team, "ann"));      // someone else
        Assert.False(Event(team, Change(Team, "ann", isMember: true)).IsRemovalOf(team, "ann"));       // added, not removed
        Assert.False(Event(EventScope.Workspace(Other), Change(Other, "ann", isMember: false)).IsRemovalOf(team, "ann"));
        Assert.False(Event(team, Change(Team, "ann", isMember: false)).IsRemovalOf(team, null));        // signed out
    }

    private static MembershipChange Change(Guid workspace, string userId, bool isMember) =>
        new(workspace, userId, $"{userId}@example.test", WorkspaceRole.Member, isMember);

    private static RealtimeEvent Event(EventScope scope, MembershipChange change) => new()
    {
        Name = WorkspaceMembers.ChangedEvent,
        Topic = scope.Key,
        Payload = JsonSerializer.SerializeToElement(change, RealtimeJson.Options),
    };
}
