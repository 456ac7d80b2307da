namespace App.Domain.Workspaces;

/// <summary>A member as the members page shows them.</summary>
public sealed record WorkspaceMember(string UserId, string DisplayName, string Email, WorkspaceRole Role, DateTime JoinedAt);

/// <summary>An invite that can still be accepted (owners only see these).</summary>
public sealed record PendingInvite(Guid Id, string Email, DateTime CreatedAt, DateTime ExpiresAt);

/// <summary>The members page: who is in, what the viewer may do, and (for owners) the pending invites.</summary>
public sealed record WorkspaceRoster(WorkspaceSummary Workspace, IReadOnlyList<WorkspaceMember> Members,
    IReadOnlyList<PendingInvite> Invites)
{
    public bool ViewerIsOwner => Workspace.Role == WorkspaceRole.Owner;
}

/// <summary>A new invite and its link's secret, which exists nowhere else: show it once.</summary>
public sealed record CreatedInvite(PendingInvite Invite, string Token);

/// <summary>What an invite link shows before it is accepted (no secret, nothing about other members).</summary>
public sealed record InvitePreview(string WorkspaceName, string InvitedBy, string Email, DateTime ExpiresAt);

/// <summary>The realtime payload of an invite being made, revoked or accepted.</summary>
public sealed record InviteChange(Guid WorkspaceId, Guid InviteId, string Email, DateTime ExpiresAt);
