using App.Domain.Audit;
using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Persistence;
using App.Domain.Users;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Console;

public enum PingAudience
{
    Global,
    Workspace,
    User,
}

/// <summary>The console's "send demo.ping": a realtime message to everyone, one workspace (by slug) or one user
/// (by email). Operators only; audited.</summary>
public sealed class DemoPings(IDbContextFactory<AppDbContext> dbFactory, OperatorPolicy operators, TimeProvider clock)
{
    public const string Event = "demo.ping";
    public const int MessageMaxLength = 200;

    public sealed record Payload(string Message, string From);

    /// <summary>Returns the scope the ping went to.</summary>
    public async Task<EventScope> SendAsync(Actor actor, PingAudience audience, string? target, string? message,
        CancellationToken ct = default)
    {
        var text = TextRules.Required(message, "Message", MessageMaxLength);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sender = await operators.RequireOperatorAsync(db, actor, ct);
        var key = (target ?? "").Trim();
        var scope = audience switch
        {
            PingAudience.Global => EventScope.Global,
            PingAudience.Workspace => EventScope.Workspace(
                await db.Workspaces.Where(w => w.Slug == key.ToLowerInvariant()).Select(w => w.Id).SingleOrDefaultAsync(ct) is var id && id != Guid.Empty
                    ? id
                    : throw new DomainValidationException("Target", $"No workspace has the slug '{key}'.")),
            PingAudience.User => EventScope.User(
                await db.Users.Where(u => u.NormalizedEmail == key.ToUpperInvariant()).Select(u => u.Id).SingleOrDefaultAsync(ct)
                ?? throw new DomainValidationException("Target", $"No user has the email '{key}'.")),
            _ => throw new DomainValidationException("Audience", "Choose everyone, a workspace or a user."),
        };
        var ping = RealtimeMessage.Create(Event, scope, new Payload(text, sender.DisplayName), actor.UserId, actor.OriginId, clock);
        AuditLog.Record(db, clock, sender, "realtime.ping", scope.Key, text);
        db.Stage(ping);
        await db.SaveChangesAsync(ct);
        return scope;
    }
}
