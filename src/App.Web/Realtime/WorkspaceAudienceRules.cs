using System.Text.Json;
using App.Domain.Users;
using App.Domain.Workspaces;

namespace App.Web.Realtime;

/// <summary>Keeps the audience index current from the events that change who may see what. Membership gained is
/// applied before the event is routed (the new member sees it); membership lost and disabled users after it
/// (the departing user is told, then removed).</summary>
internal sealed class AudienceRules(RealtimeAudience audience, ILogger<AudienceRules> logger)
{
    public void BeforeRouting(RealtimeEnvelope envelope)
    {
        if (envelope.Event != WorkspaceMembers.ChangedEvent) return;
        var change = Read<MembershipChange>(envelope);
        if (change is { IsMember: true }) audience.AddMembership(change.UserId, change.WorkspaceId);
    }

    public void AfterRouting(RealtimeEnvelope envelope)
    {
        switch (envelope.Event)
        {
            case WorkspaceMembers.ChangedEvent:
                var membership = Read<MembershipChange>(envelope);
                if (membership is { IsMember: false }) audience.RemoveMembership(membership.UserId, membership.WorkspaceId);
                break;
            case UserAdministration.ChangedEvent:
                var user = Read<UserChange>(envelope);
                if (user is { IsDisabled: true }) audience.RemoveUser(user.UserId);
                break;
        }
    }

    private T? Read<T>(RealtimeEnvelope envelope) where T : class
    {
        try
        {
            return envelope.Payload.Deserialize<T>(App.Domain.Events.RealtimePayload.JsonOptions);
        }
        catch (System.Text.Json.JsonException ex)
        {
            logger.LogError(ex, "Malformed {Event} payload; audience unchanged", envelope.Event);
            return null;
        }
    }
}
