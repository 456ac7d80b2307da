namespace App.Domain.Workspaces;

/// <summary>A tenant boundary: every piece of workspace data and every workspace event belongs to one.</summary>
public class Workspace
{
    public const int NameMaxLength = 100;
    public const int SlugMaxLength = 64;

    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public string Name { get; set; } = "";
    public WorkspaceKind Kind { get; set; }
    public string OwnerId { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public List<WorkspaceMembership> Members { get; set; } = [];
}

public enum WorkspaceKind
{
    Personal = 0,
    Shared = 1,
}
