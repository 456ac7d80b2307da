using App.Domain.Events;

namespace App.Web.Auth;

/// <summary>Tells every instance that a user's existing sessions ended (signed out everywhere, password changed or
/// reset): their open pages reload and their realtime connections end (<see cref="App.Web.Realtime.SessionRevocationRules"/>).
/// Publish after the security stamp has changed.</summary>
public static class SessionsEnded
{
    /// <summary>The realtime event that tells a user's open circuits their session ended (they reload).</summary>
    public const string EventName = "users.session.ended";

    public static ValueTask PublishAsync(IDomainEvents events, string userId, string reason) =>
        events.PublishAsync(RealtimeMessage.Create(EventName, EventScope.User(userId), new { reason }, userId));
}
