using App.Domain.Events;
using App.Domain.Persistence;
using App.Domain.Workspaces;
using App.UnitTests.Infrastructure;
using App.Realtime;
using App.Realtime.Circuits;
using App.Web.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.UnitTests.Realtime;

/// <summary>After a Redis outage the audience is re-resolved from the database: memberships removed and users
/// disabled on another instance (whose events never arrived) stop receiving, and circuits are told to reload.</summary>
public sealed class AudienceResyncTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Theory]
    [MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Memberships_and_disabled_users_missed_during_an_outage_are_applied_and_circuits_told_to_reload(string provider)
    {
        var services = await database.ServicesAsync(provider);
        var alice = await Accounts.RegisterAsync(services, "Alice Resync");
        var bob = await Accounts.RegisterAsync(services, "Bob Resync");
        var carol = await Accounts.RegisterAsync(services, "Carol Resync");
        await using var harness = new RealtimeHarness();
        // As this instance last knew it: Bob was still in Alice's workspace, Carol still enabled.
        var bobTab = new RecordingConnection("bob");
        var carolTab = new RecordingConnection("carol");
        harness.Audience.Register(bobTab, bob.Actor.UserId, [bob.WorkspaceId, alice.WorkspaceId]);
        harness.Audience.Register(carolTab, carol.Actor.UserId, [carol.WorkspaceId]);
        using var metrics = new RealtimeMetrics();
        var reloads = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var aliceCircuit = new CircuitConnection("alice", work => work(), metrics, NullLogger.Instance);
        aliceCircuit.Subscribe("projects.project.changed", _ => Task.CompletedTask, onMissed: missed =>
        {
            reloads.TrySetResult(missed);
            return Task.CompletedTask;
        });
        harness.Audience.Register(aliceCircuit, alice.Actor.UserId, [alice.WorkspaceId]);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Users.Where(u => u.Id == carol.Actor.UserId).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, true));
        }

        var result = await Resync(services, harness.Audience).RunAsync("after the Redis outage");
        await harness.PublishAsync("tests.alice.event", EventScope.Workspace(alice.WorkspaceId));
        await harness.PublishAsync("tests.carol.event", EventScope.User(carol.Actor.UserId));

        Assert.Equal(new AudienceResync.Result(Users: 3, TopicsAdded: 0, TopicsRemoved: 1, RemovedUsers: 1, ConnectionsNotified: 2), result);
        Assert.Empty(bobTab.Received);
        Assert.Empty(carolTab.Received);
        Assert.False(harness.Audience.IsRegistered(carolTab));
        Assert.Equal(
            new[] { EventScope.Global.Key, EventScope.User(bob.Actor.UserId).Key, EventScope.Workspace(bob.WorkspaceId).Key }.Order(),
            harness.Audience.TopicsOf(bobTab).Order());
        // Told, with the number unknown (0): the events lost were other instances'.
        Assert.Equal(0, await reloads.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, bobTab.MissedNotices);
    }

    private static AudienceResync Resync(IServiceProvider services, RealtimeAudience audience) =>
        new(audience, new WorkspaceAudienceResolver(services.GetRequiredService<WorkspaceDirectory>()), NullLogger<AudienceResync>.Instance);
}
