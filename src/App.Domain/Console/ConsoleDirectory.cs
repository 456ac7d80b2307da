using App.Domain.Common;
using App.Domain.Persistence;
using App.Domain.Projects;
using App.Domain.Users;
using App.Domain.Workspaces;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Console;

public sealed record ConsoleCounts(int Users, int DisabledUsers, int Operators, int Workspaces, int Projects,
    int OpenProjects, int AuditEntries);

public sealed record WorkspaceRow(Guid Id, string Slug, string Name, WorkspaceKind Kind, string OwnerEmail, int Members,
    int Projects, DateTime CreatedAt);

public sealed record MemberRow(string UserId, string Email, string DisplayName, WorkspaceRole Role, DateTime JoinedAt);

/// <summary>Read models for the operator console. Every call checks the caller is an operator.</summary>
public sealed class ConsoleDirectory(IDbContextFactory<AppDbContext> dbFactory, OperatorPolicy operators)
{
    public async Task<ConsoleCounts> CountsAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await operators.RequireOperatorAsync(db, actor, ct);
        // Counted by the database: the console's front page must not load every account.
        var users = db.Users.AsNoTracking();
        return new ConsoleCounts(
            await users.CountAsync(ct),
            await users.CountAsync(u => u.IsDisabled, ct),
            await operators.EnabledOperators(users).CountAsync(ct),
            await db.Workspaces.CountAsync(ct),
            await db.Projects.CountAsync(ct),
            await db.Projects.CountAsync(p => p.Status == ProjectStatus.Open, ct),
            await db.AuditEntries.CountAsync(ct));
    }

    public async Task<Page<WorkspaceRow>> SearchWorkspacesAsync(Actor actor, string? query, int pageIndex, int pageSize,
        CancellationToken ct = default)
    {
        (pageIndex, pageSize) = Paging.Clamp(pageIndex, pageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await operators.RequireOperatorAsync(db, actor, ct);
        var workspaces = db.Workspaces.AsNoTracking();
        if (Like.Contains(query) is { } pattern)
        {
            workspaces = workspaces.Where(w => EF.Functions.Like(w.Name, pattern, Like.EscapeChar)
                                               || EF.Functions.Like(w.Slug, pattern, Like.EscapeChar));
        }
        var total = await workspaces.CountAsync(ct);
        var rows = await workspaces.OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).Skip(pageIndex * pageSize).Take(pageSize)
            .Select(w => new WorkspaceRow(w.Id, w.Slug, w.Name, w.Kind,
                db.Users.Where(u => u.Id == w.OwnerId).Select(u => u.Email).FirstOrDefault() ?? "",
                w.Members.Count, db.Projects.Count(p => p.WorkspaceId == w.Id), w.CreatedAt))
            .ToListAsync(ct);
        return new Page<WorkspaceRow>(rows, total, pageIndex, pageSize);
    }

    public async Task<IReadOnlyList<MemberRow>> MembersAsync(Actor actor, Guid workspaceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await operators.RequireOperatorAsync(db, actor, ct);
        return await db.WorkspaceMemberships.AsNoTracking().Where(m => m.WorkspaceId == workspaceId)
            .OrderByDescending(m => m.Role).ThenBy(m => m.JoinedAt)
            .Select(m => new MemberRow(m.UserId, m.User!.Email ?? "", m.User.DisplayName, m.Role, m.JoinedAt))
            .ToListAsync(ct);
    }

    /// <summary>Workspace ids and names for the console's "send demo.ping" form.</summary>
    public async Task<WorkspaceRow?> FindWorkspaceAsync(Actor actor, string slug, CancellationToken ct = default)
    {
        var page = await SearchWorkspacesAsync(actor, slug, 0, 100, ct);
        return page.Items.FirstOrDefault(w => w.Slug == slug);
    }

    /// <summary>Display names for realtime scopes (the live tail shows "workspace Acme" rather than a GUID):
    /// workspace id -> name and user id -> display name, for the ids that exist.</summary>
    public async Task<(IReadOnlyDictionary<Guid, string> Workspaces, IReadOnlyDictionary<string, string> Users)> ScopeNamesAsync(
        Actor actor, IReadOnlyCollection<Guid> workspaceIds, IReadOnlyCollection<string> userIds, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await operators.RequireOperatorAsync(db, actor, ct);
        var workspaces = workspaceIds.Count == 0
            ? new Dictionary<Guid, string>()
            : await db.Workspaces.AsNoTracking().Where(w => workspaceIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, w => w.Name, ct);
        var users = userIds.Count == 0
            ? new Dictionary<string, string>()
            : await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return (workspaces, users);
    }
}
