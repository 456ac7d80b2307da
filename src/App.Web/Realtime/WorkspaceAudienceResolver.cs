using App.Domain.Events;
using App.Domain.Workspaces;
using App.Realtime;

namespace App.Web.Realtime;

/// <summary>The app's audience: a user hears the topic of each workspace they are a member of (plus, from the
/// library, their own and the global one).</summary>
public sealed class WorkspaceAudienceResolver(WorkspaceDirectory workspaces) : IRealtimeAudienceResolver
{
    public async Task<IReadOnlyList<string>> TopicsOfAsync(string userId, CancellationToken cancellationToken = default) =>
        Topics(await workspaces.MembershipIdsAsync(userId, cancellationToken));

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> TopicsOfActiveUsersAsync(
        IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        var memberships = await workspaces.MembershipsOfActiveUsersAsync(userIds, cancellationToken);
        return memberships.ToDictionary(m => m.Key, m => Topics(m.Value), StringComparer.Ordinal);
    }

    private static IReadOnlyList<string> Topics(IReadOnlyList<Guid> workspaceIds) =>
        workspaceIds.Select(id => EventScope.Workspace(id).Key).ToArray();
}
