using App.Domain.Events;
using App.Domain.Workspaces;
using App.Realtime;
using App.Web.Realtime;

namespace App.Web.Workspaces;

/// <summary>How a workspace page recognises that its user just lost the workspace (removed by an owner, or left).</summary>
public static class MembershipRemoval
{
    /// <summary>True when <paramref name="e"/>, published to <paramref name="workspace"/>, says <paramref name="userId"/> is
    /// no longer a member of it. The departing user still hears it: audiences drop the topic after routing.</summary>
    public static bool IsRemovalOf(this RealtimeEvent e, EventScope workspace, string? userId) =>
        e.IsFor(workspace) && e.PayloadAs<MembershipChange>() is { IsMember: false } change && change.UserId == userId;
}
