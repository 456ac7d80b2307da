namespace App.Web.Realtime.Sse;

/// <summary>
/// How an SSE stream joins the audience without missing a membership change: register first (user and global
/// scopes, so membership events for this user reach the connection from now on), then read the memberships, then add
/// them. Reading first would leave a window where a change is routed before the connection exists.
/// </summary>
public static class SseAudienceJoin
{
    /// <summary>Registers <paramref name="connection"/> and returns the scope keys it receives, for resume: global,
    /// the user's, and the workspaces the audience holds it in once its memberships are added.</summary>
    public static async Task<IReadOnlyList<string>> JoinAsync(RealtimeAudience audience, IRealtimeConnection connection,
        string userId, Func<Task<IReadOnlyList<Guid>>> memberships)
    {
        audience.Register(connection, userId, []);
        var workspaceIds = await memberships();
        audience.AddWorkspaces(connection, workspaceIds);
        // As the audience holds it now: a removal routed while the query ran is left out, a grant routed meanwhile
        // is included.
        return audience.ScopeKeysOf(connection);
    }
}
