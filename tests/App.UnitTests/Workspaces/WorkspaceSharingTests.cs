using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Persistence;
using App.Domain.Workspaces;
using App.UnitTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Workspaces;

/// <summary>Sharing a workspace against SQLite and the real MariaDB: invites, roles, the last-owner rule, refusals
/// that change nothing, and the events members and the affected user receive.</summary>
public sealed class WorkspaceSharingTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task An_invitee_accepts_the_link_once_and_joins_as_a_member(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var sharing = services.GetRequiredService<WorkspaceSharing>();
        var owner = await Accounts.RegisterAsync(services, "Olive Owner");
        var guest = await Accounts.RegisterAsync(services, "Gus Guest");
        var guestEmail = await EmailOfAsync(services, guest.Actor.UserId);
        using var recorded = new RecordedEvents(services.GetRequiredService<IDomainEvents>());

        var invite = await sharing.InviteAsync(owner.Actor, owner.WorkspaceId, "  " + guestEmail.ToUpperInvariant() + " ");
        var pending = await sharing.RosterAsync(owner.Actor, owner.WorkspaceId);
        var preview = await sharing.PreviewAsync(invite.Token);
        var joined = await sharing.AcceptAsync(guest.Actor, invite.Token);

        Assert.Single(pending.Invites);
        Assert.Equal("Olive Owner", preview.InvitedBy);
        Assert.Equal(owner.Slug, joined.Slug);
        var roster = await sharing.RosterAsync(owner.Actor, owner.WorkspaceId);
        Assert.Empty(roster.Invites);
        Assert.Equal([("Olive Owner", WorkspaceRole.Owner), ("Gus Guest", WorkspaceRole.Member)],
            roster.Members.Select(m => (m.DisplayName, m.Role)).ToList());
        var again = await Assert.ThrowsAsync<DomainValidationException>(() => sharing.AcceptAsync(guest.Actor, invite.Token));
        Assert.Equal("This invite link has already been used.", again.Message);

        var joinedEvents = recorded.Changes(WorkspaceMembers.ChangedEvent);
        Assert.Equal([EventScope.Workspace(owner.WorkspaceId), EventScope.User(guest.Actor.UserId)], joinedEvents.Select(e => e.Scope).ToList());
        Assert.All(joinedEvents, e => Assert.Equal(("member-joined", EntityOperation.Created), (e.Action, e.Operation)));
        Assert.True(joinedEvents[0].Payload.GetProperty("isMember").GetBoolean());
        Assert.Equal("Gus Guest", joinedEvents[0].Payload.GetProperty("displayName").GetString());
        Assert.Equal([(EntityOperation.Created, null), (EntityOperation.Deleted, "accepted")],
            recorded.Changes(WorkspaceSharing.InviteChangedEvent).Select(e => (e.Operation, e.Action)).ToList());
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Unusable_links_say_why(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var sharing = services.GetRequiredService<WorkspaceSharing>();
        var owner = await Accounts.RegisterAsync(services);
        var guest = await Accounts.RegisterAsync(services);
        var stranger = await Accounts.RegisterAsync(services);
        var guestEmail = await EmailOfAsync(services, guest.Actor.UserId);

        var unknown = await Assert.ThrowsAsync<NotFoundException>(() => sharing.AcceptAsync(guest.Actor, "no-such-token"));
        Assert.Contains("not valid", unknown.Message);
        await Assert.ThrowsAsync<NotFoundException>(() => sharing.PreviewAsync("../../etc/passwd"));

        var revoked = await sharing.InviteAsync(owner.Actor, owner.WorkspaceId, guestEmail);
        await sharing.RevokeInviteAsync(owner.Actor, owner.WorkspaceId, revoked.Invite.Id);
        Assert.Contains("revoked", (await Assert.ThrowsAsync<DomainValidationException>(() => sharing.AcceptAsync(guest.Actor, revoked.Token))).Message);

        var expired = await sharing.InviteAsync(owner.Actor, owner.WorkspaceId, guestEmail);
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var row = await db.WorkspaceInvites.SingleAsync(i => i.Id == expired.Invite.Id);
            row.ExpiresAt = DateTime.UtcNow.AddMinutes(-1);
            await db.SaveChangesAsync();
        }
        Assert.Contains("expired", (await Assert.ThrowsAsync<DomainValidationException>(() => sharing.AcceptAsync(guest.Actor, expired.Token))).Message);
        Assert.Empty((await sharing.RosterAsync(owner.Actor, owner.WorkspaceId)).Invites);

        var forGuest = await sharing.InviteAsync(owner.Actor, owner.WorkspaceId, guestEmail);
        var wrongAccount = await Assert.ThrowsAsync<DomainValidationException>(() => sharing.AcceptAsync(stranger.Actor, forGuest.Token));
        Assert.Contains($"This invite is for {guestEmail}", wrongAccount.Message);

        // A second invite to the same address replaces the first: the old link stops working.
        var replacement = await sharing.InviteAsync(owner.Actor, owner.WorkspaceId, guestEmail);
        await Assert.ThrowsAsync<DomainValidationException>(() => sharing.AcceptAsync(guest.Actor, forGuest.Token));
        await sharing.AcceptAsync(guest.Actor, replacement.Token);

        var existing = await Assert.ThrowsAsync<DomainValidationException>(() => sharing.InviteAsync(owner.Actor, owner.WorkspaceId, guestEmail));
        Assert.Contains("is already a member", existing.Message);
        await Assert.ThrowsAsync<DomainValidationException>(() => sharing.InviteAsync(owner.Actor, owner.WorkspaceId, "not an email"));
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Members_and_strangers_cannot_act_as_owners_and_change_nothing(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var sharing = services.GetRequiredService<WorkspaceSharing>();
        var owner = await Accounts.RegisterAsync(services);
        var member = await JoinAsync(services, owner);
        var stranger = await Accounts.RegisterAsync(services);
        var invite = await sharing.InviteAsync(owner.Actor, owner.WorkspaceId, "pending@example.test");
        using var recorded = new RecordedEvents(services.GetRequiredService<IDomainEvents>());

        await Assert.ThrowsAsync<AccessDeniedException>(() => sharing.InviteAsync(member, owner.WorkspaceId, "x@example.test"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => sharing.RevokeInviteAsync(member, owner.WorkspaceId, invite.Invite.Id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => sharing.RemoveMemberAsync(member, owner.WorkspaceId, owner.Actor.UserId));
        await Assert.ThrowsAsync<AccessDeniedException>(() => sharing.MakeOwnerAsync(member, owner.WorkspaceId, member.UserId));
        await Assert.ThrowsAsync<NotFoundException>(() => sharing.RosterAsync(stranger.Actor, owner.WorkspaceId));
        await Assert.ThrowsAsync<NotFoundException>(() => sharing.InviteAsync(stranger.Actor, owner.WorkspaceId, "x@example.test"));
        await Assert.ThrowsAsync<NotFoundException>(() => sharing.RemoveMemberAsync(stranger.Actor, owner.WorkspaceId, member.UserId));
        await Assert.ThrowsAsync<NotFoundException>(() => sharing.LeaveAsync(stranger.Actor, owner.WorkspaceId));

        Assert.Empty(recorded.Changes());
        var memberView = await sharing.RosterAsync(member, owner.WorkspaceId);
        Assert.Empty(memberView.Invites); // pending invites are for owners' eyes
        Assert.Equal(2, memberView.Members.Count);
        Assert.Single((await sharing.RosterAsync(owner.Actor, owner.WorkspaceId)).Invites);
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Owners_hand_over_remove_and_leave_but_the_last_owner_stays(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var sharing = services.GetRequiredService<WorkspaceSharing>();
        var directory = services.GetRequiredService<WorkspaceDirectory>();
        var owner = await Accounts.RegisterAsync(services);
        var second = await JoinAsync(services, owner);
        var third = await JoinAsync(services, owner);

        Assert.Contains("last owner", (await Assert.ThrowsAsync<DomainValidationException>(() => sharing.LeaveAsync(owner.Actor, owner.WorkspaceId))).Message);
        using var recorded = new RecordedEvents(services.GetRequiredService<IDomainEvents>());
        await sharing.MakeOwnerAsync(owner.Actor, owner.WorkspaceId, second.UserId);
        await sharing.RemoveMemberAsync(second, owner.WorkspaceId, third.UserId);
        await sharing.LeaveAsync(owner.Actor, owner.WorkspaceId);
        var lastOwner = await Assert.ThrowsAsync<DomainValidationException>(() => sharing.LeaveAsync(second, owner.WorkspaceId));

        Assert.Contains("last owner", lastOwner.Message);
        var roster = await sharing.RosterAsync(second, owner.WorkspaceId);
        Assert.Equal([(second.UserId, WorkspaceRole.Owner)], roster.Members.Select(m => (m.UserId, m.Role)).ToList());
        Assert.DoesNotContain(await directory.ListForUserAsync(third.UserId), w => w.Id == owner.WorkspaceId);
        var changes = recorded.Changes(WorkspaceMembers.ChangedEvent).Where(e => e.Scope.Kind == EventScopeKind.User).ToList();
        Assert.Equal([("owner-added", second.UserId), ("member-removed", third.UserId), ("member-left", owner.Actor.UserId)],
            changes.Select(e => (e.Action!, e.Scope.Id)).ToList());
    }

    private static async Task<Actor> JoinAsync(IServiceProvider services, (Actor Actor, string Slug, Guid WorkspaceId) owner)
    {
        var sharing = services.GetRequiredService<WorkspaceSharing>();
        var user = await Accounts.RegisterAsync(services);
        var invite = await sharing.InviteAsync(owner.Actor, owner.WorkspaceId, await EmailOfAsync(services, user.Actor.UserId));
        await sharing.AcceptAsync(user.Actor, invite.Token);
        return user.Actor;
    }

    private static async Task<string> EmailOfAsync(IServiceProvider services, string userId)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.Email!).SingleAsync();
    }
}
