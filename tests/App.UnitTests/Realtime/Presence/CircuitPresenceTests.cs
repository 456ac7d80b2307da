using App.Realtime;
using App.Realtime.Circuits;
using App.Realtime.Presence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.UnitTests.Realtime.Presence;

/// <summary>A circuit's presence follows its connection: gone while the connection is down, back when it returns, gone
/// for good when the circuit closes (a closed tab).</summary>
public sealed class CircuitPresenceTests
{
    private const string Topic = "workspace:circuit-presence";

    [Fact]
    public async Task A_dropped_connection_leaves_at_once_and_a_reconnect_comes_back_and_closing_the_circuit_leaves()
    {
        await using var instance = await PresenceInstance.StartAsync(PresenceInstance.Memory, "unused");
        var circuit = new CircuitPresence(instance.Presence, new Origin("c-tab"), NullLogger<CircuitPresence>.Instance);
        var tracking = await circuit.TrackAsync(Topic, "ann", new PresenceMeta("Ann"));
        Assert.Equal(["Ann"], await NamesAsync(instance));

        await circuit.ConnectionDownAsync();
        Assert.Empty(await NamesAsync(instance));
        // What the page changes while offline is what it says once back.
        await tracking.UpdateAsync(new PresenceMeta("Ann", PresenceActivities.Editing, "p1"));
        await circuit.ConnectionUpAsync();
        var back = await instance.Presence.ListAsync(Topic);
        Assert.True(back.Entries.Single().Is(PresenceActivities.Editing, "p1"));

        await circuit.DisposeAsync();
        Assert.Empty(await NamesAsync(instance));
    }

    [Fact]
    public async Task Disposing_the_handle_leaves_and_a_later_reconnect_does_not_bring_it_back()
    {
        await using var instance = await PresenceInstance.StartAsync(PresenceInstance.Memory, "unused");
        var circuit = new CircuitPresence(instance.Presence, new Origin("c-tab"), NullLogger<CircuitPresence>.Instance);
        var tracking = await circuit.TrackAsync(Topic, "ann", new PresenceMeta("Ann"));
        await circuit.ConnectionDownAsync();
        await tracking.DisposeAsync();
        await circuit.ConnectionUpAsync();
        Assert.Empty(await NamesAsync(instance));
    }

    [Fact]
    public async Task A_handle_disposed_while_a_reconnect_is_tracking_the_circuit_stays_gone()
    {
        await using var instance = await PresenceInstance.StartAsync(PresenceInstance.Memory, "unused");
        var paused = new PausedTrackPresence(instance.Presence);
        var circuit = new CircuitPresence(paused, new Origin("c-tab"), NullLogger<CircuitPresence>.Instance);
        await circuit.ConnectionDownAsync();
        await using var ann = await circuit.TrackAsync(Topic, "ann", new PresenceMeta("Ann"));
        var bob = await circuit.TrackAsync(Topic, "bob", new PresenceMeta("Bob"));

        // The connection comes back; while Ann's entry is on its way to the store, the page drops Bob's.
        var up = circuit.ConnectionUpAsync();
        await paused.Entered.Task;
        await bob.DisposeAsync();
        paused.Release.SetResult();
        await up;

        Assert.Equal(["Ann"], await NamesAsync(instance));
    }

    private static async Task<IEnumerable<string>> NamesAsync(PresenceInstance instance) =>
        (await instance.Presence.ListAsync(Topic)).Entries.Select(e => e.Name).ToArray();

    private sealed class Origin(string id) : IRealtimeCircuit
    {
        public string OriginId { get; } = id;

        public IDisposable Subscribe(string name, Func<RealtimeEvent, Task> onEvent, Func<RealtimeEvent, bool>? matches = null,
            Func<long, Task>? onMissed = null) => throw new NotSupportedException();
    }
}
