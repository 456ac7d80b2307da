using App.Domain.Activity;
using App.Domain.Audit;
using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Persistence;
using App.Domain.Workspaces;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Projects;

/// <summary>
/// Every read and write of projects. Each call checks that the actor is a member of the project's
/// workspace, and each write publishes <c>projects.project.changed</c> to that workspace after it commits.
/// Writes take the version the user saw: a stale one is refused and nothing is overwritten.
/// </summary>
public sealed class ProjectService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const string ChangedEvent = "projects.project.changed";

    private static readonly EntityChangePublisher Changed =
        EntityChangePublisher.Create("projects", "project", ChangedEvent, "projects.service");

    public async Task<IReadOnlyList<ProjectDto>> ListAsync(Actor actor, Guid workspaceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await WorkspaceAccess.RequireMemberAsync(db, actor, workspaceId, ct);
        var projects = await db.Projects.AsNoTracking().Where(p => p.WorkspaceId == workspaceId)
            .OrderByDescending(p => p.CreatedAt).ThenBy(p => p.Id)
            .Select(p => new { Project = p, Name = db.Users.Where(u => u.Id == p.UpdatedById).Select(u => u.DisplayName).FirstOrDefault() })
            .ToListAsync(ct);
        return projects.Select(p => ProjectDto.From(p.Project, p.Name ?? "")).ToList();
    }

    public async Task<ProjectDto> GetAsync(Actor actor, Guid projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await LoadForMemberAsync(db, actor, projectId, ct);
        return ProjectDto.From(project, await DisplayNameAsync(db, project.UpdatedById, ct));
    }

    public async Task<ProjectDto> CreateAsync(Actor actor, Guid workspaceId, ProjectInput input, CancellationToken ct = default)
    {
        var (name, description) = Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await WorkspaceAccess.RequireMemberAsync(db, actor, workspaceId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var project = new Project
        {
            Id = Guid.CreateVersion7(),
            WorkspaceId = workspaceId,
            Name = name,
            Description = description,
            Status = ProjectStatus.Open,
            CreatedAt = now,
            UpdatedAt = now,
            CreatedById = actor.UserId,
            UpdatedById = actor.UserId,
            Version = 1,
        };
        db.Projects.Add(project);
        var actorName = await DisplayNameAsync(db, actor.UserId, ct);
        Stage(db, actor, actorName, EntityOperation.Created, project, action: null, reason: null);
        WorkspaceActivity.Record(db, clock, actor, actorName, workspaceId, ActivityKinds.ProjectCreated, project.Name);
        await db.SaveChangesAsync(ct);
        return ProjectDto.From(project, actorName);
    }

    public Task<ProjectDto> UpdateAsync(Actor actor, Guid projectId, int expectedVersion, ProjectInput input,
        CancellationToken ct = default)
    {
        var (name, description) = Validate(input);
        return ChangeAsync(actor, projectId, expectedVersion, null, null, p =>
        {
            var changes = new List<string>();
            if (p.Name != name) changes.Add($"name: {p.Name} -> {name}");
            if (p.Description != description) changes.Add("description changed");
            p.Name = name;
            p.Description = description;
            return string.Join("; ", changes);
        }, ct);
    }

    /// <summary>Saves an edit on top of a version someone else saved after the editor opened it, replacing their value of
    /// a field both changed: the user chose to. Audited (<c>project.overwritten</c>), and the feed says so.</summary>
    public Task<ProjectDto> OverwriteAsync(Actor actor, Guid projectId, int theirVersion, ProjectInput input,
        CancellationToken ct = default)
    {
        var (name, description) = Validate(input);
        return ChangeAsync(actor, projectId, theirVersion, null, null, p =>
        {
            var details = $"overwrote a concurrent change ({ProjectMerge.Describe(new ProjectFields(p.Name, p.Description), new ProjectFields(name, description))})";
            p.Name = name;
            p.Description = description;
            return details;
        }, ct, audit: "project.overwritten");
    }

    public Task<ProjectDto> CloseAsync(Actor actor, Guid projectId, int expectedVersion, string? reason = null,
        CancellationToken ct = default) =>
        ChangeAsync(actor, projectId, expectedVersion, "closed", TextRules.Optional(reason, "Reason", EntityChangePublisher.ReasonMaxLength), p =>
        {
            if (p.Status == ProjectStatus.Closed) throw new DomainValidationException("Status", "The project is already closed.");
            p.Status = ProjectStatus.Closed;
            return reason ?? "";
        }, ct);

    public Task<ProjectDto> ReopenAsync(Actor actor, Guid projectId, int expectedVersion, CancellationToken ct = default) =>
        ChangeAsync(actor, projectId, expectedVersion, "reopened", null, p =>
        {
            if (p.Status == ProjectStatus.Open) throw new DomainValidationException("Status", "The project is already open.");
            p.Status = ProjectStatus.Open;
            return "";
        }, ct);

    public async Task DeleteAsync(Actor actor, Guid projectId, int expectedVersion, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await LoadForMemberAsync(db, actor, projectId, ct);
        db.Entry(project).Property(p => p.Version).OriginalValue = expectedVersion;
        db.Projects.Remove(project);
        var actorName = await DisplayNameAsync(db, actor.UserId, ct);
        project.UpdatedById = actor.UserId; // the payload says who deleted it
        Stage(db, actor, actorName, EntityOperation.Deleted, project, action: null, reason: null);
        WorkspaceActivity.Record(db, clock, actor, actorName, project.WorkspaceId, ActivityKinds.ProjectDeleted, project.Name);
        await SaveAsync(db, ct);
    }

    private async Task<ProjectDto> ChangeAsync(Actor actor, Guid projectId, int expectedVersion, string? action,
        string? reason, Func<Project, string> change, CancellationToken ct, string? audit = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await LoadForMemberAsync(db, actor, projectId, ct);
        if (project.Version != expectedVersion) throw Conflict();
        var details = change(project);
        project.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        project.UpdatedById = actor.UserId;
        // The version the user saw is the one the UPDATE must still find; the new one is what others will see.
        db.Entry(project).Property(p => p.Version).OriginalValue = expectedVersion;
        project.Version = expectedVersion + 1;
        var actorName = await DisplayNameAsync(db, actor.UserId, ct);
        Stage(db, actor, actorName, EntityOperation.Updated, project, action, reason);
        var kind = action switch
        {
            "closed" => ActivityKinds.ProjectClosed,
            "reopened" => ActivityKinds.ProjectReopened,
            _ => ActivityKinds.ProjectEdited,
        };
        WorkspaceActivity.Record(db, clock, actor, actorName, project.WorkspaceId, kind, project.Name, details);
        if (audit is not null)
            AuditLog.Record(db, clock, await db.Users.SingleAsync(u => u.Id == actor.UserId, ct), audit, project.Name, details);
        await SaveAsync(db, ct);
        return ProjectDto.From(project, actorName);
    }

    private static void Stage(AppDbContext db, Actor actor, string actorName, EntityOperation operation, Project project,
        string? action, string? reason) =>
        Changed.Stage(db, operation, project.Id.ToString("D"), new EntityChangeOptions
        {
            Scope = EventScope.Workspace(project.WorkspaceId),
            Action = action,
            Reason = string.IsNullOrEmpty(reason) ? null : reason,
            Payload = ProjectDto.From(project, actorName),
            Actor = actor,
        });

    private static async Task SaveAsync(AppDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw Conflict();
        }
    }

    private static ConcurrencyConflictException Conflict() => new(
        "Someone else changed this project since you opened it. Nothing was saved: reload to see their version.");

    private static async Task<Project> LoadForMemberAsync(AppDbContext db, Actor actor, Guid projectId, CancellationToken ct)
    {
        var project = await db.Projects.SingleOrDefaultAsync(p => p.Id == projectId, ct)
                      ?? throw new NotFoundException("Project not found.");
        try
        {
            await WorkspaceAccess.RequireMemberAsync(db, actor, project.WorkspaceId, ct);
        }
        catch (NotFoundException)
        {
            throw new NotFoundException("Project not found.");
        }
        return project;
    }

    private static async Task<string> DisplayNameAsync(AppDbContext db, string userId, CancellationToken ct) =>
        await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? "";

    private static (string Name, string Description) Validate(ProjectInput input) =>
        (TextRules.Required(input.Name, "Name", Project.NameMaxLength),
         TextRules.Optional(input.Description, "Description", Project.DescriptionMaxLength));
}
