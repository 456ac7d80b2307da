using System.Data.Common;
using App.Domain.Events;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace App.Domain.Persistence;

/// <summary>Publishes a context's staged events when its transaction commits; drops them on rollback. Either way
/// the declared-service call in progress (<see cref="DomainCallUnitOfWork"/>) hears of it.</summary>
internal sealed class TransactionEventsInterceptor : DbTransactionInterceptor
{
    public static readonly TransactionEventsInterceptor Instance = new();

    // Fail closed: an event staged after the transaction's last SaveChanges has no outbox row, so committing would
    // leave it undelivered if the process died next.
    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result)
    {
        (eventData.Context as AppDbContext)?.RequireStagedSaved();
        return result;
    }

    public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default)
    {
        (eventData.Context as AppDbContext)?.RequireStagedSaved();
        return ValueTask.FromResult(result);
    }

    public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        DomainCallUnitOfWork.ReportCommit();
        if (eventData.Context is AppDbContext context) await context.FlushStagedAsync();
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        DomainCallUnitOfWork.ReportCommit();
        if (eventData.Context is AppDbContext context) context.FlushStagedAsync().AsTask().GetAwaiter().GetResult();
    }

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        (eventData.Context as AppDbContext)?.DiscardStaged();
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        (eventData.Context as AppDbContext)?.DiscardStaged();

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData,
        CancellationToken cancellationToken = default)
    {
        (eventData.Context as AppDbContext)?.DiscardStaged();
        return Task.CompletedTask;
    }

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) =>
        (eventData.Context as AppDbContext)?.DiscardStaged();
}
