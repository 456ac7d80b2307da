using App.Domain.Common;
using App.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Workspaces;

/// <summary>Read side of workspaces for their members (routing, navigation, realtime audiences).</summary>
public sealed class WorkspaceDirectory(IDbContextFactory<AppDbContext> dbFactory)
{
    /// <summary>The workspace at <paramref name="slug"/> if <paramref name="actor"/> may see it; otherwise
    /// <see cref="NotFoundException"/>, whether it exists or not.</summary>
    public async Task<WorkspaceSummary> OpenAsync(Actor actor, string? slug, CancellationToken ct = default)
    {
        if (!WorkspaceSlugs.IsWellFormed(slug)) throw new NotFoundException("Workspace not found.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.WorkspaceMemberships
            .Where(m => m.UserId == actor.UserId && m.Workspace!.Slug == slug)
            .Select(m => new { Summary = new WorkspaceSummary(m.WorkspaceId, m.Workspace!.Slug, m.Workspace.Name, m.Workspace.Kind, m.Role), m.User!.IsDisabled })
            .SingleOrDefaultAsync(ct);
        if (found is null) throw new NotFoundException("Workspace not found.");
        if (found.IsDisabled) throw new AccessDeniedException("This account is disabled.");
        return found.Summary;
    }

    public async Task<IReadOnlyList<WorkspaceSummary>> ListForUserAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WorkspaceMemberships
            .Where(m => m.UserId == userId)
            .OrderByDescending(m => m.Workspace!.Kind == WorkspaceKind.Personal).ThenBy(m => m.Workspace!.Name)
            .Select(m => new WorkspaceSummary(m.WorkspaceId, m.Workspace!.Slug, m.Workspace.Name, m.Workspace.Kind, m.Role))
            .ToListAsync(ct);
    }

    /// <summary>Where a user lands after signing in: their personal workspace, else their first one.</summary>
    public async Task<string?> HomeSlugAsync(string userId, CancellationToken ct = default) =>
        (await ListForUserAsync(userId, ct)).FirstOrDefault()?.Slug;

    /// <summary>The workspace ids a user belongs to; resolved once when a realtime connection opens.</summary>
    public async Task<IReadOnlyList<Guid>> MembershipIdsAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WorkspaceMemberships.Where(m => m.UserId == userId && !m.User!.IsDisabled)
            .Select(m => m.WorkspaceId).ToListAsync(ct);
    }

    /// <summary>The workspace ids of each of <paramref name="userIds"/> that exists and is not disabled (users absent
    /// from the answer are disabled or gone). For re-resolving many realtime audiences at once: a few queries per
    /// batch of users, not one per user.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<Guid>>> MembershipsOfActiveUsersAsync(
        IReadOnlyCollection<string> userIds, CancellationToken ct = default)
    {
        const int batchSize = 500; // keeps the IN (...) list well inside any provider's parameter limit
        var result = new Dictionary<string, IReadOnlyList<Guid>>(StringComparer.Ordinal);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var batch in userIds.Distinct().Chunk(batchSize))
        {
            var active = await db.Users.Where(u => batch.Contains(u.Id) && !u.IsDisabled).Select(u => u.Id).ToListAsync(ct);
            var memberships = await db.WorkspaceMemberships.Where(m => active.Contains(m.UserId))
                .Select(m => new { m.UserId, m.WorkspaceId }).ToListAsync(ct);
            var byUser = memberships.ToLookup(m => m.UserId, m => m.WorkspaceId);
            foreach (var userId in active) result[userId] = byUser[userId].ToList();
        }
        return result;
    }
}
