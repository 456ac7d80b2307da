using App.Domain.Events;

namespace App.Web.Auth;

/// <summary>Tells every instance that a user's existing sessions ended (signed out everywhere, password changed or
/// reset): their open pages reload and their realtime connections end (<see cref="App.Web.Realtime.SessionRevocationRules"/>).
/// Publish after the security stamp has changed.</summary>
public static class SessionsEnded
{
    public static ValueTask PublishAsync(IDomainEvents events, string userId, string reason) =>
        events.PublishAsync(RealtimeMessage.Create(AuthExtensions.SessionEndedEvent, EventScope.User(userId), new { reason }, userId));
}
