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
}
