using App.Domain.Common;

namespace App.Domain.Workspaces;

/// <summary>Changes who belongs to a workspace (operator action). Declared with entity-change metadata, so
/// every successful call publishes <c>workspaces.membership.changed</c>; realtime audiences follow it.</summary>
public interface IWorkspaceMembers
{
    Task<MembershipChange> AddAsync(Actor actor, Guid workspaceId, string email, WorkspaceRole role, CancellationToken ct = default);
    Task<MembershipChange> RemoveAsync(Actor actor, Guid workspaceId, string userId, CancellationToken ct = default);
}

/// <summary>The realtime payload of a membership change (realtime audiences follow <see cref="IsMember"/>).</summary>
public sealed record MembershipChange(Guid WorkspaceId, string UserId, string Email, WorkspaceRole Role, bool IsMember,
    string DisplayName = "", string WorkspaceName = "");
