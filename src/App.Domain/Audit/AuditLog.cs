using App.Domain.Common;
using App.Domain.Persistence;
using App.Domain.Users;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Audit;

/// <summary>Records operator actions in the same unit of work as the action, and reads them back.</summary>
public sealed class AuditLog(IDbContextFactory<AppDbContext> dbFactory, OperatorPolicy operators)
{
    public static void Record(AppDbContext db, TimeProvider clock, AppUser actor, string action, string target, string details)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            ActorId = actor.Id,
            ActorEmail = Truncate(actor.Email ?? "", 256),
            Action = Truncate(action, 64),
            Target = Truncate(target, 256),
            Details = Truncate(details, 1000),
        });
    }

    public async Task<Page<AuditEntry>> ListAsync(Actor actor, string? query, int pageIndex, int pageSize, CancellationToken ct = default)
    {
        (pageIndex, pageSize) = Paging.Clamp(pageIndex, pageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await operators.RequireOperatorAsync(db, actor, ct);
        var entries = db.AuditEntries.AsNoTracking();
        if (Like.Contains(query) is { } pattern)
        {
            entries = entries.Where(a => EF.Functions.Like(a.Action, pattern, Like.EscapeChar)
                                         || EF.Functions.Like(a.Target, pattern, Like.EscapeChar)
                                         || EF.Functions.Like(a.ActorEmail, pattern, Like.EscapeChar));
        }
        var total = await entries.CountAsync(ct);
        var items = await entries.OrderByDescending(a => a.Id).Skip(pageIndex * pageSize).Take(pageSize).ToListAsync(ct);
        return new Page<AuditEntry>(items, total, pageIndex, pageSize);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
