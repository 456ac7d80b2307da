using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Persistence;
using App.Domain.Projects;
using App.Domain.Workspaces;
using App.UnitTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Realtime;

public interface INotes
{
    Task<Note> CreateAsync(Actor actor, Guid workspaceId, string text);
    Task ArchiveAsync(Actor actor, Guid workspaceId, string noteId, int mode);
    Task BreakAsync(Guid workspaceId);
    string NotAsync();
}

public sealed record Note(string Id, string Text);

public sealed class Notes : INotes
{
    public List<string> Calls { get; } = [];

    public Task<Note> CreateAsync(Actor actor, Guid workspaceId, string text)
    {
        Calls.Add("create " + text);
        return Task.FromResult(new Note("n-" + text, text));
    }

    public Task ArchiveAsync(Actor actor, Guid workspaceId, string noteId, int mode)
    {
        Calls.Add("archive " + noteId);
        return Task.CompletedTask;
    }

    public async Task BreakAsync(Guid workspaceId)
    {
        Calls.Add("break");
        await Task.Yield();
        throw new InvalidOperationException("database said no");
    }

    public string NotAsync() => "";
}

/// <summary>The declarative publishing style: metadata per method, applied by a decorator.</summary>
public sealed class DeclaredServiceTests
{
    private static (ServiceProvider Services, Notes Inner, List<EntityChange> Published) Build()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IDomainEvents, DomainEventBus>();
        services.AddSingleton<Notes>();
        services.AddDomainService<INotes, Notes>("notes.service", s => s
            .Method(nameof(INotes.CreateAsync), e => e
                .Publishes("notes", "note", "notes.note.changed", EntityOperation.Created)
                .EntityIdFromResult(c => c.Result<Note>().Id)
                .Scope(c => EventScope.Workspace(c.Arg<Guid>("workspaceId")))
                .Action("drafted")
                .PayloadFromResult(c => c.Result<Note>()))
            .Method(nameof(INotes.ArchiveAsync), e => e
                .Publishes("notes", "note", "notes.note.changed", EntityOperation.Updated)
                .Operation(c => (EntityOperation)c.Arg<int>("mode"))
                .EntityId(c => c.Arg<string>("noteId"))
                .Scope(c => EventScope.Workspace(c.Arg<Guid>("workspaceId")))
                .Reason(c => "archived by " + c.Arg<Actor>("actor").UserId))
            .Method(nameof(INotes.BreakAsync), e => e
                .Publishes("notes", "note", "notes.note.changed", EntityOperation.Deleted)
                .EntityId(_ => "x")
                .Scope(c => EventScope.Workspace(c.Arg<Guid>("workspaceId")))), ServiceLifetime.Singleton);
        var provider = services.BuildServiceProvider();
        var published = new List<EntityChange>();
        provider.GetRequiredService<IDomainEvents>().Subscribe<EntityChange>((c, _) =>
        {
            published.Add(c);
            return ValueTask.CompletedTask;
        });
        return (provider, provider.GetRequiredService<Notes>(), published);
    }

    [Fact]
    public async Task A_declared_method_publishes_after_it_succeeds_with_values_from_arguments_and_result()
    {
        var (services, inner, published) = Build();
        var notes = services.GetRequiredService<INotes>();
        var workspace = Guid.NewGuid();

        var note = await notes.CreateAsync(new Actor("u1", "origin-1"), workspace, "hello");
        await notes.ArchiveAsync(new Actor("u2"), workspace, note.Id, (int)EntityOperation.Deleted);

        Assert.Equal(["create hello", "archive n-hello"], inner.Calls);
        Assert.Equal(2, published.Count);
        var created = published[0];
        Assert.Equal(("notes", "note", EntityOperation.Created, "n-hello", "drafted"), (created.Source, created.Entity, created.Operation, created.EntityId, created.Action));
        Assert.Equal(EventScope.Workspace(workspace), created.Scope);
        Assert.Equal("hello", created.Payload.GetProperty("text").GetString());
        Assert.Equal(("u1", "origin-1", "notes.service", "CreateAsync"), (created.ActorId, created.OriginId, created.ServiceToken, created.Method));
        Assert.Equal((EntityOperation.Deleted, "archived by u2"), (published[1].Operation, published[1].Reason));
    }

    [Fact]
    public async Task A_bad_dynamic_value_fails_before_the_method_runs()
    {
        var (services, inner, published) = Build();
        var notes = services.GetRequiredService<INotes>();

        var badScope = await Assert.ThrowsAsync<ArgumentException>(() => notes.CreateAsync(new Actor("u"), Guid.Empty, "never"));
        var badOperation = await Assert.ThrowsAsync<ArgumentException>(() => notes.ArchiveAsync(new Actor("u"), Guid.NewGuid(), "n", 42));
        var badId = await Assert.ThrowsAsync<ArgumentException>(() => notes.ArchiveAsync(new Actor("u"), Guid.NewGuid(), "", 2));

        Assert.Contains("CreateAsync was not run", badScope.Message);
        Assert.Contains("Created, Updated or Deleted", badOperation.Message);
        Assert.Contains("entity id", badId.Message);
        Assert.Empty(inner.Calls);
        Assert.Empty(published);
    }

    [Fact]
    public async Task A_method_that_fails_publishes_nothing()
    {
        var (services, inner, published) = Build();
        await Assert.ThrowsAsync<InvalidOperationException>(() => services.GetRequiredService<INotes>().BreakAsync(Guid.NewGuid()));
        Assert.Equal(["break"], inner.Calls);
        Assert.Empty(published);
    }

    [Fact]
    public void Undeclared_methods_pass_straight_through() =>
        Assert.Equal("", Build().Services.GetRequiredService<INotes>().NotAsync());

    [Theory]
    [MemberData(nameof(BadDeclarations))]
    public void A_bad_static_declaration_fails_at_registration(Action<DomainServiceDeclaration<INotes>> declare, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddDomainService<INotes, Notes>("notes.service", declare));
        Assert.Contains(expected, error.Message);
    }

    public static TheoryData<Action<DomainServiceDeclaration<INotes>>, string> BadDeclarations => new()
    {
        { s => s.Method("Nope", e => { }), "no such method" },
        { s => s.Method(nameof(INotes.NotAsync), e => { }), "must return Task" },
        { s => s.Method(nameof(INotes.BreakAsync), e => e.Publishes("notes", "note", "Notes Changed", EntityOperation.Deleted)), "Invalid realtime event" },
        { s => s.Method(nameof(INotes.BreakAsync), e => e.Publishes("notes", "note", "notes.note.changed", (EntityOperation)9)), "Created, Updated or Deleted" },
        { s => s.Method(nameof(INotes.BreakAsync), e => e.Publishes("notes", "note", "notes.note.changed", EntityOperation.Deleted).EntityId(_ => "x")), "declare a Scope" },
        { s => s.Method(nameof(INotes.BreakAsync), e => e.Publishes("notes", "note", "notes.note.changed", EntityOperation.Deleted).Scope(_ => EventScope.Global)), "EntityId" },
        { s => s.Method(nameof(INotes.BreakAsync), e => e.Publishes("notes", "note", "notes.note.changed", EntityOperation.Deleted).Action("Bad Action")), "Invalid action" },
        { s => s.Method(nameof(INotes.BreakAsync), e => { }), "call Publishes" },
    };

    [Fact]
    public async Task The_workspace_members_service_publishes_membership_changes_and_refuses_bad_input_silently()
    {
        await using var fixture = new DatabaseFixture();
        var services = await fixture.ServicesAsync(DatabaseFixture.Sqlite);
        var owner = await Accounts.RegisterAsync(services); // first user: operator
        var member = await Accounts.RegisterAsync(services);
        using var recorded = new RecordedEvents(services.GetRequiredService<IDomainEvents>());
        await using var scope = services.CreateAsyncScope();
        var members = scope.ServiceProvider.GetRequiredService<IWorkspaceMembers>();
        var memberEmail = (await services.GetRequiredService<App.Domain.Users.UserAdministration>()
            .SearchAsync(owner.Actor, null, 0, 10)).Items.Single(u => u.Id == member.Actor.UserId).Email;

        await members.AddAsync(owner.Actor, owner.WorkspaceId, memberEmail, WorkspaceRole.Member);
        await Assert.ThrowsAsync<DomainValidationException>(() => members.AddAsync(owner.Actor, owner.WorkspaceId, memberEmail, WorkspaceRole.Member));
        await Assert.ThrowsAsync<AccessDeniedException>(() => members.AddAsync(member.Actor, member.WorkspaceId, "x@y.z", WorkspaceRole.Member));
        await Assert.ThrowsAsync<DomainValidationException>(() => members.RemoveAsync(owner.Actor, owner.WorkspaceId, owner.Actor.UserId));
        await members.RemoveAsync(owner.Actor, owner.WorkspaceId, member.Actor.UserId);

        var changes = recorded.Changes(WorkspaceMembers.ChangedEvent);
        Assert.Equal([(EntityOperation.Created, "member-added"), (EntityOperation.Deleted, "member-removed")], changes.Select(c => (c.Operation, c.Action)).ToList());
        Assert.All(changes, c => Assert.Equal(EventScope.Workspace(owner.WorkspaceId), c.Scope));
        Assert.Equal(member.Actor.UserId, changes[0].Payload.GetProperty("userId").GetString());
    }
}

public interface IArchive
{
    Task<Guid> ArchiveAsync(Actor actor, Guid workspaceId, bool rollBack);
}

/// <summary>A declared service doing real database work in its own transaction, committed or rolled back.</summary>
public sealed class Archive(IDbContextFactory<AppDbContext> dbFactory) : IArchive
{
    public async Task<Guid> ArchiveAsync(Actor actor, Guid workspaceId, bool rollBack)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var project = new Project
        {
            Id = Guid.NewGuid(), WorkspaceId = workspaceId, Name = "archived", Description = "", CreatedById = actor.UserId,
            CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow, Version = 1,
        };
        db.Projects.Add(project);
        await db.SaveChangesAsync();
        if (rollBack) await transaction.RollbackAsync();
        else await transaction.CommitAsync();
        return project.Id;
    }
}

/// <summary>Both publishing styles keep one guarantee: published after the unit of work commits, nothing on a
/// rollback, on both providers.</summary>
public sealed class DeclaredServiceUnitOfWorkTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task A_declared_method_whose_transaction_rolls_back_publishes_nothing_and_a_committed_one_publishes(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var (actor, _, workspaceId) = await Accounts.RegisterAsync(services);
        var declared = new ServiceCollection();
        declared.AddSingleton(services.GetRequiredService<IDbContextFactory<AppDbContext>>());
        declared.AddSingleton(services.GetRequiredService<IDomainEvents>());
        declared.AddDomainService<IArchive, Archive>("tests.archive", s => s
            .Method(nameof(IArchive.ArchiveAsync), e => e
                .Publishes("projects", "project", "tests.project.archived", EntityOperation.Created)
                .EntityIdFromResult(c => c.Result<Guid>().ToString())
                .Scope(c => EventScope.Workspace(c.Arg<Guid>("workspaceId")))));
        await using var provided = declared.BuildServiceProvider();
        using var recorded = new RecordedEvents(services.GetRequiredService<IDomainEvents>());
        var archive = provided.GetRequiredService<IArchive>();

        var rolledBack = await archive.ArchiveAsync(actor, workspaceId, rollBack: true);
        var committed = await archive.ArchiveAsync(actor, workspaceId, rollBack: false);

        Assert.Equal([committed.ToString()], recorded.Changes("tests.project.archived").Select(c => c.EntityId));
        Assert.DoesNotContain(rolledBack.ToString(), recorded.Changes().Select(c => c.EntityId));
    }
}
