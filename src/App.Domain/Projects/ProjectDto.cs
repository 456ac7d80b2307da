namespace App.Domain.Projects;

/// <summary>A project as pages and realtime payloads see it (never the EF entity). <see cref="UpdatedByName"/> is the
/// display name of whoever made the latest change, so a page can say "updated by Ana" without another query.</summary>
public sealed record ProjectDto(Guid Id, Guid WorkspaceId, string Name, string Description, ProjectStatus Status,
    DateTime CreatedAt, DateTime UpdatedAt, string CreatedById, int Version, string UpdatedById = "", string UpdatedByName = "")
{
    public static ProjectDto From(Project p, string updatedByName) =>
        new(p.Id, p.WorkspaceId, p.Name, p.Description, p.Status, p.CreatedAt, p.UpdatedAt, p.CreatedById, p.Version,
            p.UpdatedById, updatedByName);
}

/// <summary>What a user may edit.</summary>
public sealed record ProjectInput(string? Name, string? Description);
