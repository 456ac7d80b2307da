namespace App.Domain.Projects;

/// <summary>The workspace-scoped demo entity that realtime is exercised with.</summary>
public class Project
{
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 2000;

    public Guid Id { get; set; }
    public Guid WorkspaceId { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public ProjectStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string CreatedById { get; set; } = "";

    /// <summary>Who made the latest change (the creator until someone else saves).</summary>
    public string UpdatedById { get; set; } = "";

    /// <summary>Optimistic concurrency token: bumped on every save, checked against the editor's copy.</summary>
    public int Version { get; set; }
}

public enum ProjectStatus
{
    Open = 0,
    Closed = 1,
}
