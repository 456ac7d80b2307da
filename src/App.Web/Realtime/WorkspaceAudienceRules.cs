using System.Text.Json;
using App.Domain.Events;
using App.Domain.Workspaces;
using App.Realtime;

namespace App.Web.Realtime;

/// <summary>Keeps the realtime audience current from the events that change who may see what. A membership
/// gained applies before the event is routed (the new member sees it); a membership lost after it (the departing
/// user is told, then removed). A membership change without its details (a declared call that committed but never
/// returned, published by the outbox sweep as far as its arguments decide it; or a malformed one) re-resolves the
/// audience from the database, failing closed, and tells that workspace's connections they missed events. Users whose access ended
/// (disabled, signed out) are <see cref="SessionRevocationRules"/>.</summary>
public sealed class WorkspaceAudienceRules(AudienceResync resync, ILogger<WorkspaceAudienceRules> logger) : IRealtimeAudienceRule
{
    public void BeforeRouting(RealtimeEvent realtimeEvent, RealtimeAudience audience)
    {
        if (realtimeEvent.Name != WorkspaceMembers.ChangedEvent) return;
        if (Applicable(Read<MembershipChange>(realtimeEvent)) is { IsMember: true } change)
            audience.AddTopic(change.UserId, EventScope.Workspace(change.WorkspaceId).Key);
    }

    public void AfterRouting(RealtimeEvent realtimeEvent, RealtimeAudience audience)
    {
        switch (realtimeEvent.Name)
        {
            case WorkspaceMembers.ChangedEvent:
                var change = Applicable(Read<MembershipChange>(realtimeEvent));
                if (change is null)
                    _ = resync.RunAsync($"after a {realtimeEvent.Name} without its details", realtimeEvent.Topic);
                else if (!change.IsMember)
                    audience.RemoveTopic(change.UserId, EventScope.Workspace(change.WorkspaceId).Key);
                break;
        }
    }

    /// <summary>The change when it names a user and a workspace; null when its details are missing (published without
    /// its result, or malformed): then only the database can say who is a member.</summary>
    private static MembershipChange? Applicable(MembershipChange? change) =>
        change is { UserId.Length: > 0 } && change.WorkspaceId != Guid.Empty ? change : null;

    private T? Read<T>(RealtimeEvent realtimeEvent) where T : class
    {
        try
        {
            return realtimeEvent.Payload.Deserialize<T>(RealtimePayload.JsonOptions);
        }
        catch (JsonException ex)
        {
            logger.LogError(ex, "Malformed {Event} payload; audience unchanged", realtimeEvent.Name);
            return null;
        }
    }
}
