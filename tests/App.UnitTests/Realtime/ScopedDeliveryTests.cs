using App.Domain.Events;
using App.Domain.Users;
using App.Domain.Workspaces;
using App.Web.Realtime;

namespace App.UnitTests.Realtime;

/// <summary>Events reach exactly the connections allowed to see their scope.</summary>
public sealed class ScopedDeliveryTests
{
    [Fact]
    public async Task Randomised_users_workspaces_and_events_never_deliver_outside_scope_and_never_miss_inside_it()
    {
        await using var harness = new RealtimeHarness();
        var random = new Random(20261122);
        var workspaces = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToArray();
        var users = Enumerable.Range(0, 30).Select(i => $"user-{i}").ToArray();
        var memberships = users.ToDictionary(u => u, _ => workspaces.Where(_ => random.NextDouble() < 0.2).ToHashSet());
        var connections = new List<(RecordingConnection Connection, string? User)>();
        foreach (var user in users)
            for (var tab = 0; tab < random.Next(1, 4); tab++)
            {
                var connection = new RecordingConnection($"{user}/{tab}");
                harness.Audience.Register(connection, user, memberships[user]);
                connections.Add((connection, user));
            }
        for (var i = 0; i < 5; i++)
        {
            var anonymous = new RecordingConnection($"anonymous/{i}");
            harness.Audience.Register(anonymous, null, []);
            connections.Add((anonymous, null));
        }

        // The model: who may see each event at the moment it is published.
        var expected = connections.ToDictionary(c => c.Connection, _ => new List<long>());
        var published = 0;
        for (var i = 0; i < 3000; i++)
        {
            var roll = random.NextDouble();
            if (roll < 0.05)
            {
                // Membership changes mid-stream, through the real membership event.
                var user = users[random.Next(users.Length)];
                var workspace = workspaces[random.Next(workspaces.Length)];
                var join = !memberships[user].Contains(workspace);
                if (join) memberships[user].Add(workspace);
                var change = new MembershipChange(workspace, user, user + "@x", WorkspaceRole.Member, join);
                await harness.Bus.PublishAsync(EntityChangePublisher.Create("workspaces", "membership", WorkspaceMembers.ChangedEvent, "tests.members")
                    .Prepare(join ? EntityOperation.Created : EntityOperation.Deleted, $"{workspace}:{user}",
                        new() { Scope = EventScope.Workspace(workspace), Payload = change }));
                var sequence = harness.Tail.Snapshot()[0].Sequence;
                foreach (var (connection, owner) in connections)
                    if (owner is not null && memberships[owner].Contains(workspace)) expected[connection].Add(sequence);
                if (!join) memberships[user].Remove(workspace);
                continue;
            }
            EventScope scope = roll switch
            {
                < 0.15 => EventScope.Global,
                < 0.45 => EventScope.User(users[random.Next(users.Length)]),
                < 0.92 => EventScope.Workspace(workspaces[random.Next(workspaces.Length)]),
                _ => default,
            };
            await harness.PublishAsync("tests.random.event", scope, new { i });
            published++;
            var seq = harness.Tail.Snapshot()[0].Sequence;
            foreach (var (connection, owner) in connections)
            {
                var allowed = scope.Kind switch
                {
                    EventScopeKind.Global => true,
                    EventScopeKind.User => owner is not null && scope.Id == owner,
                    EventScopeKind.Workspace => owner is not null && memberships[owner].Contains(Guid.Parse(scope.Id)),
                    _ => false,
                };
                if (allowed) expected[connection].Add(seq);
            }
        }

        var deliveries = 0;
        foreach (var (connection, owner) in connections)
        {
            var got = connection.Received.Select(e => e.Sequence).ToList();
            deliveries += got.Count;
            Assert.True(expected[connection].SequenceEqual(got),
                $"{connection.ConnectionId}: expected {expected[connection].Count} events, got {got.Count}; " +
                $"outside scope: {got.Except(expected[connection]).Count()}, missing: {expected[connection].Except(got).Count()}");
        }
        Assert.True(deliveries > 10_000, $"the test exercised {deliveries} deliveries");
        Assert.True(harness.Metrics.Unroutable > 0);
        Assert.True(harness.Metrics.Published > published);
    }

    [Fact]
    public async Task An_unknown_scope_reaches_nobody_and_is_counted()
    {
        await using var harness = new RealtimeHarness();
        var connection = new RecordingConnection("c");
        harness.Audience.Register(connection, "u", [Guid.NewGuid()]);

        await harness.PublishAsync("tests.lost.event", default);

        Assert.Empty(connection.Received);
        Assert.Equal(1, harness.Metrics.Unroutable);
        Assert.Equal("unknown", harness.Tail.Snapshot()[0].Topic);
    }

    [Fact]
    public async Task A_disabled_user_is_told_and_then_removed_from_every_audience()
    {
        await using var harness = new RealtimeHarness();
        var workspace = Guid.NewGuid();
        var connection = new RecordingConnection("c");
        harness.Audience.Register(connection, "u", [workspace]);

        await harness.Bus.PublishAsync(EntityChangePublisher.Create("users", "user", UserAdministration.ChangedEvent, "tests.users")
            .Prepare(EntityOperation.Updated, "u", new() { Scope = EventScope.User("u"), Action = "disabled", Payload = new UserChange("u", true, false) }));
        await harness.PublishAsync("tests.after.event", EventScope.Workspace(workspace));
        await harness.PublishAsync("tests.after.event", EventScope.Global);

        Assert.Equal([UserAdministration.ChangedEvent], connection.Received.Select(e => e.Name));
        Assert.Equal(0, harness.Audience.ConnectionCount);
    }

    [Fact]
    public async Task Sequences_increase_and_entity_change_fields_travel()
    {
        await using var harness = new RealtimeHarness();
        var workspace = Guid.NewGuid();
        var connection = new RecordingConnection("c");
        harness.Audience.Register(connection, "u", [workspace]);
        var publisher = EntityChangePublisher.Create("projects", "project", "projects.project.changed", "tests.projects");

        for (var i = 0; i < 3; i++)
            await harness.Bus.PublishAsync(publisher.Prepare(EntityOperation.Updated, "p", new()
            {
                Scope = EventScope.Workspace(workspace), Action = "closed", Reason = "because " + i,
                Actor = new App.Domain.Common.Actor("u", "origin"),
            }));

        var received = connection.Received.ToList();
        Assert.True(received.Zip(received.Skip(1)).All(p => p.Second.Sequence > p.First.Sequence));
        Assert.All(received, e => Assert.Equal(("projects", "project", EntityOperation.Updated, "p", "closed", "origin"),
            (e.Source, e.Entity, e.EntityOperation()!.Value, e.EntityId, e.Action, e.OriginId)));
        Assert.Equal("because 2", received[2].Reason);
    }
}
