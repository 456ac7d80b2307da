using App.Domain.Activity;
using App.Domain.Audit;
using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Persistence;
using App.Domain.Users;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Workspaces;

/// <summary>
/// Sharing a workspace by its owners: invites (single use, 7 days, revocable), removing members, making another
/// member owner, and leaving. A workspace always keeps at least one owner. Every change is audited and published
/// after it commits: membership changes to the workspace and to the affected user, invite changes to the workspace.
/// A non-member is told "not found"; a member who is not an owner is refused; nothing is changed either way.
/// </summary>
public sealed class WorkspaceSharing(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const string InviteChangedEvent = "workspaces.invite.changed";

    private static readonly EntityChangePublisher MembershipChanged =
        EntityChangePublisher.Create("workspaces", "membership", WorkspaceMembers.ChangedEvent, "workspaces.sharing");

    private static readonly EntityChangePublisher InviteChanged =
        EntityChangePublisher.Create("workspaces", "invite", InviteChangedEvent, "workspaces.sharing");

    public async Task<WorkspaceRoster> RosterAsync(Actor actor, Guid workspaceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var role = await WorkspaceAccess.RequireMemberAsync(db, actor, workspaceId, ct);
        var workspace = await db.Workspaces.AsNoTracking().SingleAsync(w => w.Id == workspaceId, ct);
        var members = await db.WorkspaceMemberships.AsNoTracking().Where(m => m.WorkspaceId == workspaceId)
            .Select(m => new WorkspaceMember(m.UserId, m.User!.DisplayName, m.User.Email ?? "", m.Role, m.JoinedAt))
            .ToListAsync(ct);
        members = members.OrderByDescending(m => m.Role).ThenBy(m => m.DisplayName, StringComparer.CurrentCultureIgnoreCase).ToList();
        IReadOnlyList<PendingInvite> invites = [];
        if (role == WorkspaceRole.Owner)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            invites = await db.WorkspaceInvites.AsNoTracking()
                .Where(i => i.WorkspaceId == workspaceId && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
                .OrderBy(i => i.CreatedAt)
                .Select(i => new PendingInvite(i.Id, i.Email, i.CreatedAt, i.ExpiresAt))
                .ToListAsync(ct);
        }
        return new WorkspaceRoster(new WorkspaceSummary(workspace.Id, workspace.Slug, workspace.Name, workspace.Kind, role), members, invites);
    }

    /// <summary>Makes an invite link for <paramref name="email"/>. Inviting an address that already has a pending
    /// invite replaces it (the old link stops working), since the old secret cannot be shown again.</summary>
    public async Task<CreatedInvite> InviteAsync(Actor actor, Guid workspaceId, string? email, CancellationToken ct = default)
    {
        var address = (email ?? "").Trim();
        if (address.Length == 0) throw new DomainValidationException("Email", "Enter the email address to invite.");
        if (address.Length > 256 || !LooksLikeEmail(address))
            throw new DomainValidationException("Email", "Enter a valid email address, such as ana@example.com.");
        var normalized = address.ToUpperInvariant();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (owner, workspace) = await RequireOwnerAsync(db, actor, workspaceId, ct);
        if (await db.WorkspaceMemberships.AnyAsync(m => m.WorkspaceId == workspaceId && m.User!.NormalizedEmail == normalized, ct))
            throw new DomainValidationException("Email", $"{address} is already a member of {workspace.Name}.");

        var now = clock.GetUtcNow().UtcDateTime;
        var replaced = await db.WorkspaceInvites
            .Where(i => i.WorkspaceId == workspaceId && i.NormalizedEmail == normalized && i.AcceptedAt == null && i.RevokedAt == null)
            .ToListAsync(ct);
        foreach (var old in replaced) old.RevokedAt = now;

        var token = InviteTokens.New();
        var invite = new WorkspaceInvite
        {
            Id = Guid.CreateVersion7(),
            WorkspaceId = workspaceId,
            Email = address,
            NormalizedEmail = normalized,
            TokenHash = InviteTokens.Hash(token),
            InvitedById = owner.Id,
            CreatedAt = now,
            ExpiresAt = now + WorkspaceInvite.Lifetime,
        };
        db.WorkspaceInvites.Add(invite);
        AuditLog.Record(db, clock, owner, "workspace.invite-created", workspace.Slug, address);
        foreach (var old in replaced.Where(o => o.ExpiresAt > now)) StageInvite(db, actor, EntityOperation.Deleted, old, "revoked");
        StageInvite(db, actor, EntityOperation.Created, invite, null);
        await db.SaveChangesAsync(ct);
        return new CreatedInvite(new PendingInvite(invite.Id, invite.Email, invite.CreatedAt, invite.ExpiresAt), token);
    }

    public async Task RevokeInviteAsync(Actor actor, Guid workspaceId, Guid inviteId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (owner, workspace) = await RequireOwnerAsync(db, actor, workspaceId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var invite = await db.WorkspaceInvites.SingleOrDefaultAsync(i => i.Id == inviteId && i.WorkspaceId == workspaceId, ct)
                     ?? throw new NotFoundException("That invite does not exist.");
        if (invite.AcceptedAt is not null) throw new DomainValidationException("Invite", $"{invite.Email} already accepted this invite.");
        if (invite.RevokedAt is not null) throw new DomainValidationException("Invite", "This invite was already revoked.");
        invite.RevokedAt = now;
        AuditLog.Record(db, clock, owner, "workspace.invite-revoked", workspace.Slug, invite.Email);
        StageInvite(db, actor, EntityOperation.Deleted, invite, "revoked");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>What the link shows to anyone holding it, signed in or not; unusable links say why.</summary>
    public async Task<InvitePreview> PreviewAsync(string? token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var invite = await FindUsableAsync(db, token, ct);
        var invitedBy = await db.Users.Where(u => u.Id == invite.InvitedById).Select(u => u.DisplayName).SingleOrDefaultAsync(ct);
        return new InvitePreview(invite.Workspace!.Name, invitedBy ?? "A former member", invite.Email, invite.ExpiresAt);
    }

    /// <summary>Joins the invite's workspace as a member and uses the link up. The signed-in account must have the
    /// invited email, so a forwarded or leaked link cannot be used by someone else. Returns the workspace.</summary>
    public async Task<WorkspaceSummary> AcceptAsync(Actor actor, string? token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var invite = await FindUsableAsync(db, token, ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == actor.UserId, ct) ?? throw new NotFoundException("Account not found.");
        if (user.IsDisabled) throw new AccessDeniedException("This account is disabled.");
        var workspace = invite.Workspace!;
        if (!string.Equals(user.NormalizedEmail, invite.NormalizedEmail, StringComparison.Ordinal))
            throw new DomainValidationException("Invite",
                $"This invite is for {invite.Email}, but you are signed in as {user.Email}. Sign in with the invited address.");
        if (await db.WorkspaceMemberships.AnyAsync(m => m.WorkspaceId == workspace.Id && m.UserId == user.Id, ct))
            throw new DomainValidationException("Invite", $"You are already a member of {workspace.Name}.");

        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The link is used up by whichever acceptance updates it first; a second, simultaneous one updates nothing.
        var claimed = await db.WorkspaceInvites
            .Where(i => i.Id == invite.Id && i.AcceptedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedById, user.Id), ct);
        if (claimed == 0) throw new DomainValidationException("Invite", "This invite link has already been used.");
        var membership = new WorkspaceMembership { WorkspaceId = workspace.Id, UserId = user.Id, Role = WorkspaceRole.Member, JoinedAt = now };
        db.WorkspaceMemberships.Add(membership);
        AuditLog.Record(db, clock, user, "workspace.invite-accepted", workspace.Slug, user.Email ?? user.Id);
        StageMembership(db, actor, EntityOperation.Created, workspace, user, WorkspaceRole.Member, isMember: true, "member-joined");
        WorkspaceActivity.Record(db, clock, actor, user.DisplayName, workspace.Id, ActivityKinds.MemberJoined, user.DisplayName);
        StageInvite(db, actor, EntityOperation.Deleted, invite, "accepted");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new WorkspaceSummary(workspace.Id, workspace.Slug, workspace.Name, workspace.Kind, WorkspaceRole.Member);
    }

    public async Task RemoveMemberAsync(Actor actor, Guid workspaceId, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (owner, workspace) = await RequireOwnerAsync(db, actor, workspaceId, ct);
        var membership = await LoadMembershipAsync(db, workspaceId, userId, ct);
        if (membership.UserId == actor.UserId)
            throw new DomainValidationException("UserId", "To remove yourself, use Leave workspace.");
        if (membership.Role == WorkspaceRole.Owner && await OwnerCountAsync(db, workspaceId, ct) <= 1)
            throw new DomainValidationException("UserId", "The last owner cannot be removed.");
        db.WorkspaceMemberships.Remove(membership);
        AuditLog.Record(db, clock, owner, "workspace.member-removed", workspace.Slug, membership.User!.Email ?? userId);
        StageMembership(db, actor, EntityOperation.Deleted, workspace, membership.User, membership.Role, isMember: false, "member-removed");
        WorkspaceActivity.Record(db, clock, actor, owner.DisplayName, workspace.Id, ActivityKinds.MemberRemoved, membership.User.DisplayName);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public async Task MakeOwnerAsync(Actor actor, Guid workspaceId, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (owner, workspace) = await RequireOwnerAsync(db, actor, workspaceId, ct);
        var membership = await LoadMembershipAsync(db, workspaceId, userId, ct);
        if (membership.Role == WorkspaceRole.Owner)
            throw new DomainValidationException("UserId", $"{membership.User!.DisplayName} is already an owner.");
        membership.Role = WorkspaceRole.Owner;
        AuditLog.Record(db, clock, owner, "workspace.owner-added", workspace.Slug, membership.User!.Email ?? userId);
        StageMembership(db, actor, EntityOperation.Updated, workspace, membership.User, WorkspaceRole.Owner, isMember: true, "owner-added");
        WorkspaceActivity.Record(db, clock, actor, owner.DisplayName, workspace.Id, ActivityKinds.OwnerAdded, membership.User.DisplayName);
        await db.SaveChangesAsync(ct);
    }

    public async Task LeaveAsync(Actor actor, Guid workspaceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await WorkspaceAccess.RequireMemberAsync(db, actor, workspaceId, ct);
        var membership = await LoadMembershipAsync(db, workspaceId, actor.UserId, ct);
        if (membership.Role == WorkspaceRole.Owner && await OwnerCountAsync(db, workspaceId, ct) <= 1)
            throw new DomainValidationException("UserId", "You are the last owner: make another member owner before you leave.");
        db.WorkspaceMemberships.Remove(membership);
        AuditLog.Record(db, clock, membership.User!, "workspace.member-left", membership.Workspace!.Slug, membership.User!.Email ?? actor.UserId);
        StageMembership(db, actor, EntityOperation.Deleted, membership.Workspace, membership.User, membership.Role, isMember: false, "member-left");
        WorkspaceActivity.Record(db, clock, actor, membership.User.DisplayName, workspaceId, ActivityKinds.MemberLeft, membership.User.DisplayName);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    private async Task<WorkspaceInvite> FindUsableAsync(AppDbContext db, string? token, CancellationToken ct)
    {
        const string unknown = "This invite link is not valid. Check that you copied all of it, or ask for a new one.";
        if (!InviteTokens.IsWellFormed(token)) throw new NotFoundException(unknown);
        var hash = InviteTokens.Hash(token!);
        var invite = await db.WorkspaceInvites.Include(i => i.Workspace).SingleOrDefaultAsync(i => i.TokenHash == hash, ct)
                     ?? throw new NotFoundException(unknown);
        if (invite.AcceptedAt is not null) throw new DomainValidationException("Invite", "This invite link has already been used.");
        if (invite.RevokedAt is not null) throw new DomainValidationException("Invite", "This invite link was revoked by an owner of the workspace.");
        if (invite.ExpiresAt <= clock.GetUtcNow().UtcDateTime)
            throw new DomainValidationException("Invite", "This invite link has expired. Ask an owner of the workspace for a new one.");
        return invite;
    }

    /// <summary>Owners pass; other members are refused (403); non-members learn nothing (404).</summary>
    private static async Task<(AppUser Owner, Workspace Workspace)> RequireOwnerAsync(AppDbContext db, Actor actor, Guid workspaceId,
        CancellationToken ct)
    {
        var role = await WorkspaceAccess.RequireMemberAsync(db, actor, workspaceId, ct);
        if (role != WorkspaceRole.Owner) throw new AccessDeniedException("Only an owner of this workspace can do that.");
        var owner = await db.Users.SingleAsync(u => u.Id == actor.UserId, ct);
        var workspace = await db.Workspaces.SingleAsync(w => w.Id == workspaceId, ct);
        return (owner, workspace);
    }

    private static async Task<WorkspaceMembership> LoadMembershipAsync(AppDbContext db, Guid workspaceId, string? userId, CancellationToken ct) =>
        await db.WorkspaceMemberships.Include(m => m.User).Include(m => m.Workspace)
            .SingleOrDefaultAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId, ct)
        ?? throw new NotFoundException("That person is not a member of this workspace.");

    /// <summary>Counted inside the caller's transaction. On MariaDB a locking read, so two owners leaving at the same
    /// moment cannot both see the other one still there (SQLite transactions are already serialised).</summary>
    private static async Task<int> OwnerCountAsync(AppDbContext db, Guid workspaceId, CancellationToken ct)
    {
        if (!db.Database.IsMySql())
            return await db.WorkspaceMemberships.CountAsync(m => m.WorkspaceId == workspaceId && m.Role == WorkspaceRole.Owner, ct);
        var counts = await db.Database.SqlQueryRaw<int>(
            "SELECT COUNT(*) AS `Value` FROM `WorkspaceMemberships` WHERE `WorkspaceId` = {0} AND `Role` = {1} FOR UPDATE",
            workspaceId, (int)WorkspaceRole.Owner).ToListAsync(ct);
        return counts.Single();
    }

    /// <summary>To the workspace (members pages, activity, audiences) and to the affected user (their workspace list),
    /// who may be on another workspace's page.</summary>
    private static void StageMembership(AppDbContext db, Actor actor, EntityOperation operation, Workspace workspace,
        AppUser user, WorkspaceRole role, bool isMember, string action)
    {
        var change = new MembershipChange(workspace.Id, user.Id, user.Email ?? "", role, isMember, user.DisplayName, workspace.Name);
        var entityId = $"{workspace.Id}:{user.Id}";
        foreach (var scope in new[] { EventScope.Workspace(workspace.Id), EventScope.User(user.Id) })
            MembershipChanged.Stage(db, operation, entityId, new EntityChangeOptions { Scope = scope, Action = action, Payload = change, Actor = actor });
    }

    private static void StageInvite(AppDbContext db, Actor actor, EntityOperation operation, WorkspaceInvite invite, string? action) =>
        InviteChanged.Stage(db, operation, invite.Id.ToString("D"), new EntityChangeOptions
        {
            Scope = EventScope.Workspace(invite.WorkspaceId),
            Action = action,
            Payload = new InviteChange(invite.WorkspaceId, invite.Id, invite.Email, invite.ExpiresAt),
            Actor = actor,
        });

    private static bool LooksLikeEmail(string address)
    {
        var at = address.IndexOf('@');
        return at > 0 && at == address.LastIndexOf('@') && at < address.Length - 1 && !address.Any(char.IsWhiteSpace);
    }
}
