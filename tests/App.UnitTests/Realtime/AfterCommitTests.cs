using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Persistence;
using App.Domain.Projects;
using App.UnitTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Realtime;

/// <summary>Events leave only after the database work they describe has committed, on both providers.</summary>
public sealed class AfterCommitTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly EntityChangePublisher Changed =
        EntityChangePublisher.Create("projects", "project", "projects.project.changed", "tests.after-commit");

    private static Project NewProject(Guid workspaceId) => new()
    {
        Id = Guid.NewGuid(), WorkspaceId = workspaceId, Name = "p", Description = "", CreatedById = "u",
        CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow, Version = 1,
    };

    private static void Stage(AppDbContext db, Project project) =>
        Changed.Stage(db, EntityOperation.Created, project.Id.ToString(), new() { Scope = EventScope.Workspace(project.WorkspaceId) });

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Inside_a_transaction_nothing_is_published_until_commit_and_a_rollback_publishes_nothing(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var (_, _, workspaceId) = await Accounts.RegisterAsync(services);
        using var recorded = new RecordedEvents(services.GetRequiredService<IDomainEvents>());
        var factory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();

        await using (var db = await factory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var project = NewProject(workspaceId);
            db.Projects.Add(project);
            Stage(db, project);
            await db.SaveChangesAsync();
            Assert.Empty(recorded.Changes());
            await transaction.RollbackAsync();
        }
        Assert.Empty(recorded.Changes());

        await using (var db = await factory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var project = NewProject(workspaceId);
            db.Projects.Add(project);
            Stage(db, project);
            await db.SaveChangesAsync();
            Assert.Empty(recorded.Changes());
            await transaction.CommitAsync();
            Assert.Equal(project.Id.ToString(), Assert.Single(recorded.Changes()).EntityId);
        }
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task A_transaction_abandoned_without_commit_publishes_nothing(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var (_, _, workspaceId) = await Accounts.RegisterAsync(services);
        using var recorded = new RecordedEvents(services.GetRequiredService<IDomainEvents>());

        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var project = NewProject(workspaceId);
            db.Projects.Add(project);
            Stage(db, project);
            await db.SaveChangesAsync();
        }
        Assert.Empty(recorded.Changes());
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task A_failed_save_publishes_nothing(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        using var recorded = new RecordedEvents(services.GetRequiredService<IDomainEvents>());
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var orphan = NewProject(Guid.NewGuid()); // no such workspace: the foreign key refuses it
        db.Projects.Add(orphan);
        Stage(db, orphan);

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.Empty(recorded.Changes());
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Staging_with_nothing_to_commit_is_refused(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var error = Assert.Throws<InvalidOperationException>(() => Stage(db, NewProject(Guid.NewGuid())));
        Assert.Contains("no pending change", error.Message);
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task A_concurrency_conflict_publishes_nothing(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var projects = services.GetRequiredService<ProjectService>();
        var (actor, _, workspaceId) = await Accounts.RegisterAsync(services);
        var project = await projects.CreateAsync(actor, workspaceId, new ProjectInput("x", ""));
        await projects.UpdateAsync(actor, project.Id, project.Version, new ProjectInput("y", ""));
        using var recorded = new RecordedEvents(services.GetRequiredService<IDomainEvents>());

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => projects.CloseAsync(actor, project.Id, project.Version));
        Assert.Empty(recorded.Changes());
    }
}
