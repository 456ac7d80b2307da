namespace App.Domain.Events;

/// <summary>
/// What the database did during one declared domain-service call, so its entity change follows the same rule as
/// <see cref="EntityChangePublisher"/>'s staged events: published after the unit of work commits, never on a
/// rollback. The decorator opens one per call (flowing into the method as an async-local); every
/// <see cref="Persistence.AppDbContext"/> reports its commits (<c>SaveChanges</c> outside a transaction, or a
/// transaction commit) and rollbacks to it and to the calls around it.
/// </summary>
public sealed class DomainCallUnitOfWork
{
    private static readonly AsyncLocal<DomainCallUnitOfWork?> CurrentCall = new();
    private readonly DomainCallUnitOfWork? outer;
    private int commits;
    private int rollbacks;
    private int writes;

    private DomainCallUnitOfWork(DomainCallUnitOfWork? outer) => this.outer = outer;

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
    internal static (T Started, DomainCallUnitOfWork Unit) Observe<T>(Func<T> start)
    {
        var previous = CurrentCall.Value;
        var unit = new DomainCallUnitOfWork(previous);
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
