namespace App.Domain.Projects;

/// <summary>A project as pages and realtime payloads see it (never the EF entity).</summary>
public sealed record ProjectDto(Guid Id, Guid WorkspaceId, string Name, string Description, ProjectStatus Status,
    DateTime CreatedAt, DateTime UpdatedAt, string CreatedById, int Version)
{
    public static ProjectDto From(Project p) =>
        new(p.Id, p.WorkspaceId, p.Name, p.Description, p.Status, p.CreatedAt, p.UpdatedAt, p.CreatedById, p.Version);
}

/// <summary>What a user may edit.</summary>
public sealed record ProjectInput(string? Name, string? Description);
