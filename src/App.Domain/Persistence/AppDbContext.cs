using App.Domain.Activity;
using App.Domain.Audit;
using App.Domain.Events;
using App.Domain.Outbox;
using App.Domain.Projects;
using App.Domain.Users;
using App.Domain.Workspaces;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Persistence;

/// <summary>
/// The app's database. Provider specifics live in the sealed subclasses (<see cref="SqliteAppDbContext"/>,
/// <see cref="MySqlAppDbContext"/>) so each keeps its own migrations.
/// It is also the <see cref="IEntityChangeOutbox"/> of its unit of work: a staged event is written as an
/// <see cref="OutboxMessage"/> row in the same save (so in the same transaction) and published after
/// <c>SaveChanges</c> succeeds outside a transaction, or when the open transaction commits; a failure or a
/// rollback drops both. Rows left undispatched (the process died, the relay was down) are sent by the sweep. A
/// declared domain-service call's change gets its row in the call's first save (<see cref="DomainCallUnitOfWork"/>).
/// </summary>
public abstract class AppDbContext : IdentityDbContext<AppUser>, IEntityChangeOutbox
{
    private readonly IDomainEvents events;
    private readonly List<IRealtimeDomainEvent> staged = [];
    // SaveChanges commits its own transaction before it accepts the rows it wrote: that commit is not checked.
    private bool saving;

    protected AppDbContext(DbContextOptions options, IDomainEvents events) : base(options)
    {
        this.events = events;
    }

    public DbSet<Workspace> Workspaces => Set<Workspace>();
    public DbSet<WorkspaceMembership> WorkspaceMemberships => Set<WorkspaceMembership>();
    public DbSet<WorkspaceInvite> WorkspaceInvites => Set<WorkspaceInvite>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ActivityEntry> ActivityEntries => Set<ActivityEntry>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public void Stage(IRealtimeDomainEvent domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        // Fail closed: with nothing pending and no transaction, nothing would ever commit this event,
        // or it describes work that was already saved and could be published twice.
        if (Database.CurrentTransaction is null && !ChangeTracker.HasChanges())
            throw new InvalidOperationException(
                $"'{domainEvent.Name}' was staged with no pending change: stage after making the change and before SaveChanges, or inside a transaction.");
        var durable = WithEventId(domainEvent);
        if (durable.EventId is not null) AddOutboxRow(durable);
        staged.Add(durable);
    }

    /// <summary>The event's outbox row, saved with the change; <paramref name="awaitingResult"/> marks a declared call's
    /// row whose entity id comes from its result (completed by the call, see <see cref="DomainCallUnitOfWork"/>).</summary>
    internal void AddOutboxRow(IRealtimeDomainEvent durable, bool awaitingResult = false) =>
        OutboxMessages.Add(new OutboxMessage
        {
            EventId = durable.EventId ?? throw new ArgumentException("An outbox row needs the event's id.", nameof(durable)),
            Name = durable.Name, Body = OutboxBody.Write(durable, awaitingResult), CreatedAt = DateTime.UtcNow,
        });

    private static IRealtimeDomainEvent WithEventId(IRealtimeDomainEvent domainEvent) => domainEvent switch
    {
        { EventId: not null } => domainEvent,
        EntityChange c => c with { EventId = NewEventId() },
        RealtimeMessage m => m with { EventId = NewEventId() },
        _ => domainEvent,
    };

    /// <summary>32 hex characters (<see cref="OutboxMessage.EventIdLength"/>).</summary>
    public static string NewEventId() => Guid.NewGuid().ToString("N");

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        int written;
        if (ChangeTracker.HasChanges()) DomainCallUnitOfWork.ReserveOutboxRows(this);
        saving = true;
        try { written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken); }
        finally { saving = false; }
        if (Database.CurrentTransaction is null)
        {
            DomainCallUnitOfWork.ReportCommit();
            await FlushStagedAsync();
        }
        else DomainCallUnitOfWork.ReportWrite();
        return written;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        int written;
        if (ChangeTracker.HasChanges()) DomainCallUnitOfWork.ReserveOutboxRows(this);
        saving = true;
        try { written = base.SaveChanges(acceptAllChangesOnSuccess); }
        finally { saving = false; }
        if (Database.CurrentTransaction is null)
        {
            DomainCallUnitOfWork.ReportCommit();
            FlushStagedAsync().AsTask().GetAwaiter().GetResult();
        }
        else DomainCallUnitOfWork.ReportWrite();
        return written;
    }

    internal async ValueTask FlushStagedAsync()
    {
        if (staged.Count == 0) return;
        var batch = staged.ToArray();
        staged.Clear();
        foreach (var domainEvent in batch) await events.PublishAsync(domainEvent);
    }

    internal void RequireStagedSaved()
    {
        if (!saving && ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added))
            throw new InvalidOperationException(
                "An event was staged after the transaction's last SaveChanges: call SaveChanges before committing, so the event is saved with the change.");
    }

    internal void DiscardStaged()
    {
        DomainCallUnitOfWork.ReportRollback();
        staged.Clear();
    }

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        optionsBuilder.AddInterceptors(TransactionEventsInterceptor.Instance);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every DateTime is UTC in and out, whatever the provider stores.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }
}
