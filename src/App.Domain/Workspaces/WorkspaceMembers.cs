using App.Domain.Activity;
using App.Domain.Audit;
using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Persistence;
using App.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace App.Domain.Workspaces;

public sealed class WorkspaceMembers(IDbContextFactory<AppDbContext> dbFactory, OperatorPolicy operators, TimeProvider clock)
    : IWorkspaceMembers
{
    public const string ChangedEvent = "workspaces.membership.changed";

    public async Task<MembershipChange> AddAsync(Actor actor, Guid workspaceId, string email, WorkspaceRole role,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var operatorUser = await operators.RequireOperatorAsync(db, actor, ct);
        var normalized = (email ?? "").Trim().ToUpperInvariant();
        if (normalized.Length == 0) throw new DomainValidationException("Email", "Email is required.");
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct)
                   ?? throw new DomainValidationException("Email", "No user has that email.");
        var workspace = await db.Workspaces.SingleOrDefaultAsync(w => w.Id == workspaceId, ct)
                        ?? throw new NotFoundException("Workspace not found.");
        if (await db.WorkspaceMemberships.AnyAsync(m => m.WorkspaceId == workspaceId && m.UserId == user.Id, ct))
            throw new DomainValidationException("Email", $"{user.Email} is already a member of {workspace.Name}.");
        db.WorkspaceMemberships.Add(new WorkspaceMembership
        {
            WorkspaceId = workspaceId, UserId = user.Id, Role = role, JoinedAt = clock.GetUtcNow().UtcDateTime,
        });
        AuditLog.Record(db, clock, operatorUser, "workspace.member-added", workspace.Slug, $"{user.Email} as {role}");
        WorkspaceActivity.Record(db, clock, actor, operatorUser.DisplayName, workspaceId, ActivityKinds.MemberJoined, user.DisplayName, "added by an operator");
        await db.SaveChangesAsync(ct);
        return new MembershipChange(workspaceId, user.Id, user.Email ?? "", role, IsMember: true);
    }

    public async Task<MembershipChange> RemoveAsync(Actor actor, Guid workspaceId, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var operatorUser = await operators.RequireOperatorAsync(db, actor, ct);
        var membership = await db.WorkspaceMemberships.Include(m => m.User).Include(m => m.Workspace)
                             .SingleOrDefaultAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId, ct)
                         ?? throw new NotFoundException("That user is not a member of this workspace.");
        if (membership.Role == WorkspaceRole.Owner)
            throw new DomainValidationException("UserId", "The owner cannot be removed from their workspace.");
        db.WorkspaceMemberships.Remove(membership);
        AuditLog.Record(db, clock, operatorUser, "workspace.member-removed", membership.Workspace!.Slug, membership.User!.Email ?? userId);
        WorkspaceActivity.Record(db, clock, actor, operatorUser.DisplayName, workspaceId, ActivityKinds.MemberRemoved, membership.User.DisplayName);
        await db.SaveChangesAsync(ct);
        return new MembershipChange(workspaceId, userId, membership.User.Email ?? "", membership.Role, IsMember: false);
    }

    /// <summary>The declaration: both methods publish a membership change to the workspace's audience.</summary>
    public static IServiceCollection Register(IServiceCollection services) =>
        services.AddDomainService<IWorkspaceMembers, WorkspaceMembers>("workspaces.members", s => s
            .Method(nameof(IWorkspaceMembers.AddAsync), e => e
                .Publishes("workspaces", "membership", ChangedEvent, EntityOperation.Created)
                .EntityIdFromResult(c => $"{c.Result<MembershipChange>().WorkspaceId}:{c.Result<MembershipChange>().UserId}")
                .Scope(c => EventScope.Workspace(c.Arg<Guid>("workspaceId")))
                .Action("member-added")
                .PayloadFromResult(c => c.Result<MembershipChange>()))
            .Method(nameof(IWorkspaceMembers.RemoveAsync), e => e
                .Publishes("workspaces", "membership", ChangedEvent, EntityOperation.Deleted)
                .EntityId(c => $"{c.Arg<Guid>("workspaceId")}:{c.Arg<string>("userId")}")
                .Scope(c => EventScope.Workspace(c.Arg<Guid>("workspaceId")))
                .Action("member-removed")
                .PayloadFromResult(c => c.Result<MembershipChange>())));
}
