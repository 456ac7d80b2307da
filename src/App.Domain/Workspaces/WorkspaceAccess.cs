using App.Domain.Common;
using App.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Workspaces;

/// <summary>The one membership rule every workspace read and write goes through: an enabled user who is a
/// member. A non-member is told "not found" so workspaces cannot be discovered by guessing.</summary>
public static class WorkspaceAccess
{
    public static async Task<WorkspaceRole> RequireMemberAsync(AppDbContext db, Actor actor, Guid workspaceId,
        CancellationToken ct = default)
    {
        var membership = await db.WorkspaceMemberships
            .Where(m => m.WorkspaceId == workspaceId && m.UserId == actor.UserId)
            .Select(m => new { m.Role, Disabled = m.User!.IsDisabled })
            .SingleOrDefaultAsync(ct);
        if (membership is null) throw new NotFoundException("Workspace not found.");
        if (membership.Disabled) throw new AccessDeniedException("This account is disabled.");
        return membership.Role;
    }
}
