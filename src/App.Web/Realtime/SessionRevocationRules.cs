using System.Text.Json;
using App.Domain.Events;
using App.Domain.Users;
using App.Realtime;
using App.Web.Auth;

namespace App.Web.Realtime;

/// <summary>
/// Ends a user's open realtime connections (circuits, hub, SSE) when what they were opened with no longer holds, on
/// every instance (the events travel the user's topic through the relay): signed out everywhere or password changed
/// (<see cref="SessionsEnded.EventName"/>), role changed by an operator (<see cref="UserAdministration.ChangedEvent"/>),
/// disabled. Runs after routing, so the user's pages first hear the event (and reload). Connections that joined
/// after the change (with the new credentials) stay, give or take <see cref="ClockSkew"/> between instances.
/// </summary>
public sealed class SessionRevocationRules(ILogger<SessionRevocationRules> logger) : IRealtimeAudienceRule
{
    /// <summary>Connections that joined up to this long after the change are revoked too (they reconnect): instance
    /// clocks may differ by that much.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(2);

    public void AfterRouting(RealtimeEvent realtimeEvent, RealtimeAudience audience)
    {
        switch (realtimeEvent.Name)
        {
            case SessionsEnded.EventName:
                if (EventScope.Parse(realtimeEvent.Topic) is { Kind: EventScopeKind.User } scope) Revoke(audience, scope.Id, realtimeEvent);
                break;
            case UserAdministration.ChangedEvent:
                if (Read(realtimeEvent) is not { } user) break;
                // A disabled user may hear nothing at all, whenever the connection was opened.
                if (user.IsDisabled) audience.RemoveUser(user.UserId);
                else Revoke(audience, user.UserId, realtimeEvent);
                break;
        }
    }

    private void Revoke(RealtimeAudience audience, string userId, RealtimeEvent realtimeEvent)
    {
        var revoked = audience.RevokeUser(userId, realtimeEvent.OccurredAt + ClockSkew);
        if (revoked > 0) logger.LogInformation("Revoked {Count} realtime connections of user {User} ({Event})", revoked, userId, realtimeEvent.Name);
    }

    private UserChange? Read(RealtimeEvent realtimeEvent)
    {
        try
        {
            return realtimeEvent.Payload.Deserialize<UserChange>(RealtimePayload.JsonOptions);
        }
        catch (JsonException ex)
        {
            logger.LogError(ex, "Malformed {Event} payload; no connection revoked", realtimeEvent.Name);
            return null;
        }
    }
}
