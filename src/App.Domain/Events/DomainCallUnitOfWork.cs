namespace App.Domain.Events;

/// <summary>
/// What the database did during one declared domain-service call, so its entity change follows the same rule as
/// <see cref="EntityChangePublisher"/>'s staged events: published after the unit of work commits, never on a
/// rollback. The decorator opens one per call (flowing into the method as an async-local); every
/// <see cref="Persistence.AppDbContext"/> reports its commits (<c>SaveChanges</c> outside a transaction, or a
/// transaction commit) and rollbacks to it and to the calls around it.
/// The call's change is durable like a staged event: the first save that writes anything during the call also writes
/// the change's outbox row (<see cref="ReserveOutboxRows"/>), in the same transaction. The decorator completes that
/// row with what the result decides once the method returns; if the method never returns (the process died just
/// after the commit, or it threw after committing), the outbox sweep publishes the row as it was reserved.
/// </summary>
public sealed class DomainCallUnitOfWork
{
    private static readonly AsyncLocal<DomainCallUnitOfWork?> CurrentCall = new();
    private readonly DomainCallUnitOfWork? outer;
    private int commits;
    private int rollbacks;
    private int writes;

    private DomainCallUnitOfWork(DomainCallUnitOfWork? outer, EntityChangeDeclaration.PreparedChange? declared)
    {
        this.outer = outer;
        this.declared = declared;
    }

    private readonly EntityChangeDeclaration.PreparedChange? declared;
    private string? reservedEventId;

    /// <summary>The event id of the change's outbox row, once a save during the call wrote it.</summary>
    public string? ReservedEventId => Volatile.Read(ref reservedEventId);

    /// <summary>The call in progress on this async flow, if any.</summary>
    public static DomainCallUnitOfWork? Current => CurrentCall.Value;

    public bool Committed => Volatile.Read(ref commits) > 0;
    public bool RolledBack => Volatile.Read(ref rollbacks) > 0;

    /// <summary>The call's change may be published: its work committed, or it did no database work at all (nothing
    /// could roll back). A call whose database work rolled back, or was left in a transaction never committed,
    /// publishes nothing.</summary>
    public bool MayPublish => Committed || (!RolledBack && Volatile.Read(ref writes) == 0);

    /// <summary>Runs <paramref name="start"/> (which starts the method) with a new unit as the current one; the method
    /// keeps it for its whole run, the caller's flow gets its own back at once.</summary>
    internal static (T Started, DomainCallUnitOfWork Unit) Observe<T>(Func<T> start,
        EntityChangeDeclaration.PreparedChange? declared = null)
    {
        var previous = CurrentCall.Value;
        var unit = new DomainCallUnitOfWork(previous, declared);
        CurrentCall.Value = unit;
        try
        {
            return (start(), unit);
        }
        finally
        {
            CurrentCall.Value = previous;
        }
    }

    /// <summary>Called by a context about to save changes: each declared call in progress on this flow that has no
    /// outbox row yet gets one in this save, holding its change as far as the arguments decide it.</summary>
    internal static void ReserveOutboxRows(Persistence.AppDbContext db)
    {
        for (var unit = CurrentCall.Value; unit is not null; unit = unit.outer)
        {
            if (unit.declared is null || unit.ReservedEventId is not null) continue;
            var eventId = Persistence.AppDbContext.NewEventId();
            db.AddOutboxRow(unit.declared.Reserve() with { EventId = eventId }, awaitingResult: unit.declared.DependsOnResult);
            Volatile.Write(ref unit.reservedEventId, eventId);
        }
    }

    internal static void ReportCommit()
    {
        for (var unit = CurrentCall.Value; unit is not null; unit = unit.outer) Interlocked.Increment(ref unit.commits);
    }

    /// <summary>Changes were written inside a transaction: they count only once it commits.</summary>
    internal static void ReportWrite()
    {
        for (var unit = CurrentCall.Value; unit is not null; unit = unit.outer) Interlocked.Increment(ref unit.writes);
    }

    internal static void ReportRollback()
    {
        for (var unit = CurrentCall.Value; unit is not null; unit = unit.outer) Interlocked.Increment(ref unit.rollbacks);
    }
}
