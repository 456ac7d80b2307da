using App.Domain.Users;

namespace App.Domain.Workspaces;

/// <summary>A user's membership of a workspace. Personal mode has one owner per workspace; shared
/// workspaces (the later <c>workspaces</c> tenancy mode) reuse this table unchanged.</summary>
public class WorkspaceMembership
{
    public Guid WorkspaceId { get; set; }
    public string UserId { get; set; } = "";
    public WorkspaceRole Role { get; set; }
    public DateTime JoinedAt { get; set; }
    public Workspace? Workspace { get; set; }
    public AppUser? User { get; set; }
}

public enum WorkspaceRole
{
    Member = 0,
    Owner = 1,
}
