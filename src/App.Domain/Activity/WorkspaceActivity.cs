using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Persistence;
using App.Domain.Users;
using App.Domain.Workspaces;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Activity;

/// <summary>The activity feed of a workspace: recorded by the services that make the changes (same unit of work),
/// published as <c>workspaces.activity.added</c> to the workspace after commit, read back a page at a time by members.</summary>
public sealed class WorkspaceActivity(IDbContextFactory<AppDbContext> dbFactory)
{
    public const string AddedEvent = "workspaces.activity.added";

    private static readonly EntityChangePublisher Added =
        EntityChangePublisher.Create("workspaces", "activity", AddedEvent, "workspaces.activity");

    /// <summary>Adds a line to <paramref name="db"/>'s unit of work and stages its event.</summary>
    public static ActivityItem Record(AppDbContext db, TimeProvider clock, Actor actor, string actorName, Guid workspaceId,
        string kind, string subject, string details = "")
    {
        var entry = new ActivityEntry
        {
            Id = Guid.CreateVersion7(),
            WorkspaceId = workspaceId,
            At = clock.GetUtcNow().UtcDateTime,
            ActorId = actor.UserId,
            ActorName = Truncate(actorName, AppUser.DisplayNameMaxLength),
            Kind = kind,
            Subject = Truncate(subject, ActivityEntry.SubjectMaxLength),
            Details = Truncate(details, ActivityEntry.DetailsMaxLength),
        };
        db.ActivityEntries.Add(entry);
        var item = ActivityItem.From(entry);
        Added.Stage(db, EntityOperation.Created, entry.Id.ToString("D"),
            new EntityChangeOptions { Scope = EventScope.Workspace(workspaceId), Action = kind, Payload = item, Actor = actor });
        return item;
    }

    /// <summary>Newest first. Members only; others are told the workspace does not exist.</summary>
    public async Task<Page<ActivityItem>> ListAsync(Actor actor, Guid workspaceId, int pageIndex, int pageSize, CancellationToken ct = default)
    {
        (pageIndex, pageSize) = Paging.Clamp(pageIndex, pageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await WorkspaceAccess.RequireMemberAsync(db, actor, workspaceId, ct);
        var entries = db.ActivityEntries.AsNoTracking().Where(a => a.WorkspaceId == workspaceId);
        var total = await entries.CountAsync(ct);
        var items = await entries.OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Skip(pageIndex * pageSize).Take(pageSize).ToListAsync(ct);
        return new Page<ActivityItem>(items.Select(ActivityItem.From).ToList(), total, pageIndex, pageSize);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
