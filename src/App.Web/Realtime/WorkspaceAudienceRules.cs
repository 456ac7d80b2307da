using System.Text.Json;
using App.Domain.Events;
using App.Domain.Workspaces;
using App.Realtime;

namespace App.Web.Realtime;

/// <summary>Keeps the realtime audience current from the events that change who may see what. A membership
/// gained applies before the event is routed (the new member sees it); a membership lost after it (the departing
/// user is told, then removed). Users whose access ended (disabled, signed out) are <see cref="SessionRevocationRules"/>.</summary>
public sealed class WorkspaceAudienceRules(ILogger<WorkspaceAudienceRules> logger) : IRealtimeAudienceRule
{
    public void BeforeRouting(RealtimeEvent realtimeEvent, RealtimeAudience audience)
    {
        if (realtimeEvent.Name != WorkspaceMembers.ChangedEvent) return;
        if (Read<MembershipChange>(realtimeEvent) is { IsMember: true } change)
            audience.AddTopic(change.UserId, EventScope.Workspace(change.WorkspaceId).Key);
    }

    public void AfterRouting(RealtimeEvent realtimeEvent, RealtimeAudience audience)
    {
        switch (realtimeEvent.Name)
        {
            case WorkspaceMembers.ChangedEvent:
                if (Read<MembershipChange>(realtimeEvent) is { IsMember: false } membership)
                    audience.RemoveTopic(membership.UserId, EventScope.Workspace(membership.WorkspaceId).Key);
                break;
        }
    }

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
