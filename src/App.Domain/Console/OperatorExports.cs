using App.Domain.Audit;
using App.Domain.Common;
using App.Domain.Persistence;
using App.Domain.Users;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Console;

/// <summary>An operator export takes other people's data (owners' emails) out of the app, so each one is audited
/// like any other console action. Operators only.</summary>
public sealed class OperatorExports(IDbContextFactory<AppDbContext> dbFactory, OperatorPolicy operators, TimeProvider clock)
{
    public async Task RecordAsync(Actor actor, string export, string details, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var exporter = await operators.RequireOperatorAsync(db, actor, ct);
        AuditLog.Record(db, clock, exporter, "console.export", export, details);
        await db.SaveChangesAsync(ct);
    }
}
