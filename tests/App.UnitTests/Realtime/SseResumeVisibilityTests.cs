using App.Domain.Events;
using App.Domain.Workspaces;
using App.Realtime;
using App.Realtime.Sse;
using App.Web.Realtime;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Realtime;

/// <summary>An SSE resume returns only events the user could see when they were published: nothing of a workspace
/// from before they joined it, nothing from while they were removed (through the app's real membership events).</summary>
public sealed class SseResumeVisibilityTests
{
    private readonly Guid workspace = Guid.NewGuid();
    private const string Bob = "bob";

    [Fact]
    public async Task A_new_member_resuming_from_before_they_joined_gets_only_what_came_after()
    {
        await using var harness = new RealtimeHarness(s => new RealtimeBuilder(s).AddServerSentEvents());
        var buffer = harness.Services.GetRequiredService<SseReplayBuffer>();
        var lastSeen = await PublishAsync(harness, "tests.bob.own", EventScope.User(Bob));   // Bob's stream got this one

        var secret = await PublishAsync(harness, "tests.before.join", EventScope.Workspace(workspace));
        var joined = await MembershipAsync(harness, isMember: true);
        var after = await PublishAsync(harness, "tests.after.join", EventScope.Workspace(workspace));

        var (reset, events) = buffer.After([EventScope.User(Bob).Key, EventScope.Workspace(workspace).Key], lastSeen, Bob);
        Assert.False(reset);
        Assert.Equal([joined, after], events.Select(e => e.Sequence));
        Assert.DoesNotContain(secret, events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task A_member_removed_and_added_again_gets_nothing_from_while_they_were_out()
    {
        await using var harness = new RealtimeHarness(s => new RealtimeBuilder(s).AddServerSentEvents());
        var buffer = harness.Services.GetRequiredService<SseReplayBuffer>();
        await MembershipAsync(harness, isMember: true);
        var lastSeen = await PublishAsync(harness, "tests.member.seen", EventScope.Workspace(workspace));
        var before = await PublishAsync(harness, "tests.member.missed", EventScope.Workspace(workspace)); // missed while offline: due
        var removed = await MembershipAsync(harness, isMember: false);                              // told, then removed
        var whileOut = await PublishAsync(harness, "tests.while.out", EventScope.Workspace(workspace));
        var rejoined = await MembershipAsync(harness, isMember: true);
        var back = await PublishAsync(harness, "tests.back.in", EventScope.Workspace(workspace));
        // Another user who stayed a member the whole time still gets everything.
        var (_, carols) = buffer.After([EventScope.Workspace(workspace).Key], lastSeen, "carol");

        var (reset, events) = buffer.After([EventScope.Workspace(workspace).Key], lastSeen, Bob);
        Assert.False(reset);
        Assert.Equal([before, removed, rejoined, back], events.Select(e => e.Sequence));
        Assert.Contains(whileOut, carols.Select(e => e.Sequence));
    }

    private async Task<long> MembershipAsync(RealtimeHarness harness, bool isMember)
    {
        var change = new MembershipChange(workspace, Bob, "bob@x", WorkspaceRole.Member, isMember);
        await harness.Bus.PublishAsync(EntityChangePublisher.Create("workspaces", "membership", WorkspaceMembers.ChangedEvent, "tests.members")
            .Prepare(isMember ? EntityOperation.Created : EntityOperation.Deleted, $"{workspace}:{Bob}",
                new() { Scope = EventScope.Workspace(workspace), Payload = change }));
        return harness.Tail.Snapshot()[0].Sequence;
    }

    private static async Task<long> PublishAsync(RealtimeHarness harness, string name, EventScope scope)
    {
        await harness.PublishAsync(name, scope, new { name });
        return harness.Tail.Snapshot()[0].Sequence;
    }
}
