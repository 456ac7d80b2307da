using System.Collections.Concurrent;
using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Outbox;
using App.Domain.Persistence;
using App.Domain.Projects;
using App.Domain.Users;
using App.Domain.Workspaces;
using App.Realtime;
using App.UnitTests.Infrastructure;
using App.Web.Realtime;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.UnitTests.Realtime;

/// <summary>The outbox on both databases: an event is saved with its change, published at once, marked once the
/// relay holds it, and sent again by the sweep (of this or another instance) when the relay refused it or the
/// process died after the commit; each connection gets it once.</summary>
public sealed class OutboxTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly EntityChangePublisher Changed =
        EntityChangePublisher.Create("projects", "project", ProjectService.ChangedEvent, "projects.service");

    [Theory]
    [MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task A_save_writes_its_event_with_the_change_publishes_it_at_once_and_marks_it_when_relayed(string provider)
    {
        var services = await database.ServicesAsync(provider);
        var alice = await Accounts.RegisterAsync(services, "Alice Outbox");
        await using var instance = await Instance.StartAsync(services, relayUp: true);
        var tab = instance.Listen(alice.WorkspaceId);

        var created = await services.GetRequiredService<ProjectService>().CreateAsync(alice.Actor, alice.WorkspaceId, new("Outboxed", null));

        // (Creating a project also adds an activity entry, with its own event.)
        var received = Assert.Single(tab.Received, e => e.Name == ProjectService.ChangedEvent);
        Assert.NotNull(received.Id);
        Assert.Equal(created.Id.ToString("D"), received.EntityId);
        await Eventually.TrueAsync(() => DispatchedAt(services, received.Id!) is not null);
        Assert.Contains(instance.Relay.Sent, e => e.Id == received.Id);

        // A rollback leaves no row (and publishes nothing).
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var project = new Project { Id = Guid.NewGuid(), WorkspaceId = alice.WorkspaceId, Name = "Rolled back", CreatedById = alice.Actor.UserId, UpdatedById = alice.Actor.UserId };
            db.Projects.Add(project);
            var staged = Changed.Stage(db, EntityOperation.Created, project.Id.ToString(), new() { Scope = EventScope.Workspace(alice.WorkspaceId) });
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
            Assert.False(Exists(services, staged.EventId!));
        }
        Assert.Single(tab.Received, e => e.Name == ProjectService.ChangedEvent);
    }

    [Theory]
    [MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task An_event_the_relay_refused_is_relayed_by_the_sweep_once_it_is_back_and_reaches_each_connection_once(string provider)
    {
        var services = await database.ServicesAsync(provider);
        var bob = await Accounts.RegisterAsync(services, "Bob Outbox");
        await using var instance = await Instance.StartAsync(services, relayUp: false);
        var tab = instance.Listen(bob.WorkspaceId);

        await services.GetRequiredService<ProjectService>().CreateAsync(bob.Actor, bob.WorkspaceId, new("While Redis is down", null));
        var received = Assert.Single(tab.Received, e => e.Name == ProjectService.ChangedEvent); // this instance's clients get it at once
        await Task.Delay(300);
        Assert.Null(DispatchedAt(services, received.Id!));

        instance.Relay.Up = true;
        await Eventually.TrueAsync(() => DispatchedAt(services, received.Id!) is not null, TimeSpan.FromSeconds(10));
        Assert.Contains(instance.Relay.Sent, e => e.Id == received.Id);
        Assert.Single(tab.Received, e => e.Name == ProjectService.ChangedEvent);
        Assert.True(instance.Harness.Metrics.Duplicates >= 1);
    }

    [Theory]
    [MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task A_commit_whose_process_died_before_publishing_is_delivered_once_by_another_instances_sweep(string provider)
    {
        var services = await database.ServicesAsync(provider);
        var carol = await Accounts.RegisterAsync(services, "Carol Outbox");
        // The instance that saved died right after the commit: nothing forwarded the event (no dispatcher listens).
        await services.GetRequiredService<ProjectService>().CreateAsync(carol.Actor, carol.WorkspaceId, new("Committed then killed", null));
        string eventId;
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            eventId = (await db.OutboxMessages.OrderBy(m => m.Id).LastAsync(m => m.Name == ProjectService.ChangedEvent)).EventId;

        await using var other = await Instance.StartAsync(services, relayUp: true);
        var tab = other.Listen(carol.WorkspaceId);
        await Eventually.TrueAsync(() => tab.Received.Any(e => e.Id == eventId), TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => DispatchedAt(services, eventId) is not null);
        await other.Dispatcher.SweepOnceAsync();
        Assert.Single(tab.Received, e => e.Id == eventId);
        Assert.Equal("Committed then killed", tab.Received.Single(e => e.Id == eventId).Payload.GetProperty("name").GetString());
    }

    [Theory]
    [MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Events_the_relay_lost_after_holding_them_are_relayed_again_and_not_routed_twice(string provider)
    {
        var services = await database.ServicesAsync(provider);
        var dora = await Accounts.RegisterAsync(services, "Dora Outbox");
        await using var instance = await Instance.StartAsync(services, relayUp: true);
        var tab = instance.Listen(dora.WorkspaceId);
        await services.GetRequiredService<ProjectService>().CreateAsync(dora.Actor, dora.WorkspaceId, new("Held then lost", null));
        var received = Assert.Single(tab.Received, e => e.Name == ProjectService.ChangedEvent);
        await Eventually.TrueAsync(() => DispatchedAt(services, received.Id!) is not null);

        // Redis restarted empty before the other instances read it: the relay reports from when entries may be lost.
        instance.Harness.Services.GetRequiredService<RealtimeRelayGaps>().Report(DateTimeOffset.UtcNow.AddSeconds(-5));
        await Eventually.TrueAsync(() => instance.Relay.Sent.Count(e => e.Id == received.Id) == 2, TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => DispatchedAt(services, received.Id!) is not null);
        Assert.Single(tab.Received, e => e.Name == ProjectService.ChangedEvent);
    }

    [Theory]
    [MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task A_declared_call_saves_its_change_with_its_work_and_completes_it_with_the_result(string provider)
    {
        var services = await database.ServicesAsync(provider);
        var shared = await SharedAsync(services, "Erin");
        await using var instance = await Instance.StartAsync(services, relayUp: true);
        var tab = instance.Listen(shared.Owner.WorkspaceId);

        await using (var scope = services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IWorkspaceMembers>().RemoveAsync(shared.Operator, shared.Owner.WorkspaceId, shared.Member.UserId);

        var received = Assert.Single(tab.Received, e => e.Name == WorkspaceMembers.ChangedEvent);
        Assert.NotNull(received.Id);
        Assert.Equal(shared.Member.UserId, received.PayloadAs<MembershipChange>()!.UserId);
        // The row the call's save wrote, completed with what the result decided, and marked once relayed.
        var body = Body(services, received.Id!);
        var (stored, awaitingResult) = OutboxBody.Read(body);
        Assert.False(awaitingResult);
        Assert.Equal(shared.Member.UserId, stored.Payload.GetProperty("userId").GetString());
        await Eventually.TrueAsync(() => DispatchedAt(services, received.Id!) is not null);
    }

    [Theory]
    [MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task A_declared_call_that_committed_but_never_returned_is_sent_by_the_sweep_and_the_audience_follows_the_database(string provider)
    {
        var services = await database.ServicesAsync(provider);
        var shared = await SharedAsync(services, "Finn");
        await using var instance = await Instance.StartAsync(services, relayUp: true,
            s => s.AddSingleton<IRealtimeAudienceResolver>(new WorkspaceAudienceResolver(services.GetRequiredService<WorkspaceDirectory>())));
        var ownerTab = instance.Listen(shared.Owner.WorkspaceId, shared.Owner.Actor.UserId);
        var memberTab = instance.Listen(shared.Owner.WorkspaceId, shared.Member.UserId);
        var declared = new ServiceCollection();
        declared.AddLogging();
        declared.AddSingleton(services.GetRequiredService<IDbContextFactory<AppDbContext>>());
        declared.AddSingleton(services.GetRequiredService<IDomainEvents>());
        declared.AddSingleton(services.GetRequiredService<OutboxStore>());
        declared.AddDomainService<IRemoval, CommitThenFail>("tests.removal", s => s
            .Method(nameof(IRemoval.RemoveAsync), e => e
                .Publishes("workspaces", "membership", WorkspaceMembers.ChangedEvent, EntityOperation.Deleted)
                .EntityId(c => $"{c.Arg<Guid>("workspaceId")}:{c.Arg<string>("userId")}")
                .Scope(c => EventScope.Workspace(c.Arg<Guid>("workspaceId")))
                .Action("member-removed")
                .PayloadFromResult(c => c.Result<MembershipChange>())));
        await using var provided = declared.BuildServiceProvider();

        // The membership is gone from the database, but the call never returned: nothing could be published from it.
        await Assert.ThrowsAsync<TimeoutException>(() =>
            provided.GetRequiredService<IRemoval>().RemoveAsync(shared.Owner.WorkspaceId, shared.Member.UserId));
        // (The sweep also sends the member's earlier "added": nothing forwarded it when it was saved.)
        static bool IsRemoval(RealtimeEvent e) => e.Name == WorkspaceMembers.ChangedEvent && e.Operation == RealtimeOperations.Deleted;
        Assert.DoesNotContain(ownerTab.Received, IsRemoval);

        // The sweep sends the change as far as the arguments decided it; the workspace's audience is re-read and told.
        await Eventually.TrueAsync(() => ownerTab.Received.Any(IsRemoval), TimeSpan.FromSeconds(10));
        var recovered = Assert.Single(ownerTab.Received, IsRemoval);
        Assert.Equal($"{shared.Owner.WorkspaceId}:{shared.Member.UserId}", recovered.EntityId);
        Assert.False(recovered.Payload.TryGetProperty("userId", out _));
        await Eventually.TrueAsync(() => memberTab.MissedNotices >= 1 && ownerTab.MissedNotices >= 1);
        Assert.DoesNotContain(EventScope.Workspace(shared.Owner.WorkspaceId).Key, instance.Harness.Audience.TopicsOf(memberTab));
        await services.GetRequiredService<ProjectService>().CreateAsync(shared.Owner.Actor, shared.Owner.WorkspaceId, new("After the removal", null));
        Assert.Contains(ownerTab.Received, e => e.Name == ProjectService.ChangedEvent);
        Assert.DoesNotContain(memberTab.Received, e => e.Name == ProjectService.ChangedEvent);
    }

    private sealed record Shared(Actor Operator, (Actor Actor, string Slug, Guid WorkspaceId) Owner, Actor Member);

    /// <summary>An owner's workspace with a member added by an operator.</summary>
    private static async Task<Shared> SharedAsync(IServiceProvider services, string name)
    {
        var op = await Accounts.RegisterAsync(services, name + " Operator");
        var owner = await Accounts.RegisterAsync(services, name + " Owner");
        var member = await Accounts.RegisterAsync(services, name + " Member");
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var opUser = (await users.FindByIdAsync(op.Actor.UserId))!;
        opUser.IsOperator = true;
        await users.UpdateAsync(opUser);
        var memberEmail = (await users.FindByIdAsync(member.Actor.UserId))!.Email!;
        await scope.ServiceProvider.GetRequiredService<IWorkspaceMembers>().AddAsync(op.Actor, owner.WorkspaceId, memberEmail, WorkspaceRole.Member);
        return new Shared(op.Actor, owner, member.Actor);
    }

    public interface IRemoval
    {
        Task<MembershipChange> RemoveAsync(Guid workspaceId, string userId);
    }

    /// <summary>Removes a membership and commits, then fails before returning: as far as the decorator can tell, the
    /// same as a process killed right after the commit.</summary>
    private sealed class CommitThenFail(IDbContextFactory<AppDbContext> dbFactory) : IRemoval
    {
        public async Task<MembershipChange> RemoveAsync(Guid workspaceId, string userId)
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            db.WorkspaceMemberships.RemoveRange(db.WorkspaceMemberships.Where(m => m.WorkspaceId == workspaceId && m.UserId == userId));
            await db.SaveChangesAsync();
            throw new TimeoutException("the process died here");
        }
    }

    private static string Body(IServiceProvider services, string eventId)
    {
        using var db = services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        return db.OutboxMessages.AsNoTracking().Single(m => m.EventId == eventId).Body;
    }

    private static DateTime? DispatchedAt(IServiceProvider services, string eventId)
    {
        using var db = services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        return db.OutboxMessages.AsNoTracking().Single(m => m.EventId == eventId).DispatchedAt;
    }

    private static bool Exists(IServiceProvider services, string eventId)
    {
        using var db = services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        return db.OutboxMessages.Any(m => m.EventId == eventId);
    }

    /// <summary>Redis as seen from an instance: up (takes every event) or down (refuses them).</summary>
    public sealed class SwitchRelay : IRealtimeRelay
    {
        public volatile bool Up;
        public ConcurrentQueue<RealtimeEvent> Sent { get; } = new();
        public event Action<RealtimeEvent>? Received { add { } remove { } }

        public void Send(RealtimeEvent realtimeEvent) => SendConfirmedAsync(realtimeEvent);

        public Task<bool> SendConfirmedAsync(RealtimeEvent realtimeEvent)
        {
            if (Up) Sent.Enqueue(realtimeEvent);
            return Task.FromResult(Up);
        }
    }

    /// <summary>One app instance: the realtime harness, its relay, and the outbox dispatcher forwarding the fixture's bus.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private DomainEventForwarder forwarder = null!;
        public RealtimeHarness Harness { get; private init; } = null!;
        public SwitchRelay Relay { get; private init; } = null!;
        public OutboxDispatcher Dispatcher { get; private init; } = null!;

        public static async Task<Instance> StartAsync(IServiceProvider services, bool relayUp, Action<IServiceCollection>? configure = null)
        {
            var relay = new SwitchRelay { Up = relayUp };
            var harness = new RealtimeHarness(s =>
            {
                s.AddSingleton<IRealtimeRelay>(relay);
                configure?.Invoke(s);
            });
            var dispatcher = new OutboxDispatcher(harness.Publisher, new OutboxStore(services.GetRequiredService<IDbContextFactory<AppDbContext>>()),
                harness.Services.GetRequiredService<RealtimeRelayGaps>(), TimeProvider.System, NullLogger<OutboxDispatcher>.Instance);
            var instance = new Instance { Harness = harness, Relay = relay, Dispatcher = dispatcher };
            instance.forwarder = new DomainEventForwarder(services.GetRequiredService<IDomainEvents>(), harness.Publisher, dispatcher);
            await instance.forwarder.StartAsync(CancellationToken.None);
            await dispatcher.StartAsync(CancellationToken.None);
            return instance;
        }

        public RecordingConnection Listen(Guid workspaceId, string userId = "listener")
        {
            var connection = new RecordingConnection("tab-" + Guid.NewGuid().ToString("N")[..6]);
            Harness.Audience.Register(connection, userId, [workspaceId]);
            return connection;
        }

        public async ValueTask DisposeAsync()
        {
            await forwarder.StopAsync(CancellationToken.None);
            await Dispatcher.StopAsync(CancellationToken.None);
            Dispatcher.Dispose();
            await Harness.DisposeAsync();
        }
    }
}
