using App.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Outbox;

/// <summary>The outbox table's queries: marking rows dispatched, finding those left behind, keeping the table small.</summary>
public sealed class OutboxStore(IDbContextFactory<AppDbContext> dbFactory)
{
    public sealed record Pending(long Id, string EventId, string Body);

    public async Task<int> MarkDispatchedAsync(IReadOnlyCollection<string> eventIds, DateTime at, CancellationToken ct = default)
    {
        if (eventIds.Count == 0) return 0;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.OutboxMessages.Where(m => eventIds.Contains(m.EventId) && m.DispatchedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.DispatchedAt, at), ct);
    }

    /// <summary>Replaces a reserved row's body with the complete event once its declared call returned
    /// (<see cref="Events.DomainCallUnitOfWork"/>). Returns false when there is no such row (rolled back).</summary>
    public async Task<bool> CompleteAsync(string eventId, string body, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.OutboxMessages.Where(m => m.EventId == eventId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Body, body), ct) > 0;
    }

    /// <summary>Makes rows dispatched at or after <paramref name="since"/> undispatched again, so the sweep sends them
    /// again (the relay lost them: Redis restarted empty). Receivers route an event id once.</summary>
    public async Task<int> UndoDispatchedSinceAsync(DateTime since, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.OutboxMessages.Where(m => m.DispatchedAt != null && m.DispatchedAt >= since)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.DispatchedAt, (DateTime?)null), ct);
    }

    /// <summary>Rows not dispatched, written before <paramref name="createdBefore"/>, after row <paramref name="afterId"/>, oldest first.</summary>
    public async Task<IReadOnlyList<Pending>> UndispatchedAsync(DateTime createdBefore, long afterId, int max, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.OutboxMessages.AsNoTracking()
            .Where(m => m.DispatchedAt == null && m.CreatedAt < createdBefore && m.Id > afterId)
            .OrderBy(m => m.Id).Take(max)
            .Select(m => new Pending(m.Id, m.EventId, m.Body))
            .ToListAsync(ct);
    }

    /// <summary>Deletes rows dispatched before <paramref name="dispatchedBefore"/>, and rows never dispatched that were
    /// written before <paramref name="abandonedBefore"/> (the relay was down that long: their receivers are told they
    /// missed events when it returns). Returns both counts.</summary>
    public async Task<(int Dispatched, int Abandoned)> DeleteOldAsync(DateTime dispatchedBefore, DateTime abandonedBefore,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var dispatched = await db.OutboxMessages.Where(m => m.DispatchedAt != null && m.DispatchedAt < dispatchedBefore).ExecuteDeleteAsync(ct);
        var abandoned = await db.OutboxMessages.Where(m => m.DispatchedAt == null && m.CreatedAt < abandonedBefore).ExecuteDeleteAsync(ct);
        return (dispatched, abandoned);
    }
}
