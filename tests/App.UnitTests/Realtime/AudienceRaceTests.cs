using App.Domain.Events;
using App.Realtime;
using App.Realtime.Circuits;
using App.Web.Realtime;

namespace App.UnitTests.Realtime;

/// <summary>Registering, membership changes and unregistering race on many threads; a connection that is gone
/// must be in no audience afterwards (a leftover entry keeps a dead circuit alive and is delivered to).</summary>
public sealed class AudienceRaceTests
{
    private const string User = "racer";
    private static readonly Guid[] Workspaces = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToArray();

    [Fact]
    public void Connections_unregistered_while_their_memberships_change_are_left_in_no_audience()
    {
        var audience = new RealtimeAudience();
        var all = new List<RecordingConnection>();
        for (var round = 0; round < 150; round++)
        {
            var connections = Enumerable.Range(0, 12).Select(i => new RecordingConnection($"m{round}/{i}")).ToArray();
            all.AddRange(connections);
            foreach (var connection in connections) audience.Register(connection, User, []);
            RunTogether(
                () => ChangeMemberships(audience, 0),
                () => ChangeMemberships(audience, 1),
                () =>
                {
                    foreach (var connection in connections) audience.Unregister(connection);
                });
        }

        AssertInNoAudience(audience, all);
    }

    [Fact]
    public void Connections_unregistered_while_they_register_are_left_in_no_audience()
    {
        var audience = new RealtimeAudience();
        var all = new List<RecordingConnection>();
        for (var round = 0; round < 150; round++)
        {
            var connections = Enumerable.Range(0, 12).Select(i => new RecordingConnection($"r{round}/{i}")).ToArray();
            all.AddRange(connections);
            RunTogether(
                () =>
                {
                    foreach (var connection in connections)
                    {
                        audience.Register(connection, User, Workspaces);
                        audience.AddTopics(connection, Workspaces.Select(w => EventScope.Workspace(w).Key));
                    }
                },
                () => ChangeMemberships(audience, 0),
                () =>
                {
                    // Unregister each one as soon as it appears, to land inside Register.
                    foreach (var connection in connections)
                    {
                        while (!audience.IsRegistered(connection)) Thread.SpinWait(1);
                        audience.Unregister(connection);
                    }
                });
        }

        AssertInNoAudience(audience, all);
    }

    private static void ChangeMemberships(RealtimeAudience audience, int seed)
    {
        for (var i = 0; i < 300; i++)
        {
            var workspace = Workspaces[(i + seed) % Workspaces.Length];
            if ((i + seed) % 3 == 0) audience.RemoveMembership(User, workspace);
            else audience.AddMembership(User, workspace);
        }
    }

    private static void RunTogether(params Action[] work)
    {
        using var start = new Barrier(work.Length);
        var threads = work.Select(w => new Thread(() =>
        {
            start.SignalAndWait();
            w();
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
    }

    private static void AssertInNoAudience(RealtimeAudience audience, IReadOnlyList<RecordingConnection> connections)
    {
        Assert.Equal(0, audience.ConnectionCount);
        EventScope[] scopes = [EventScope.Global, EventScope.User(User), .. Workspaces.Select(EventScope.Workspace)];
        var leaked = scopes.SelectMany(s => audience.Of(s).Select(c => $"{c.ConnectionId} in {s.Key}")).ToList();
        Assert.True(leaked.Count == 0, $"{leaked.Count} leaked entries, e.g. {string.Join(", ", leaked.Take(5))}");
    }
}
