using System.Text.Json;
using App.Realtime;
using App.Realtime.Presence;

namespace App.UnitTests.Realtime.Presence;

/// <summary>Every circuit a presence.changed event reaches reads the same state object from it (one copy per event,
/// not one per circuit); another event, even with equal JSON, is read on its own.</summary>
public sealed class PresencePayloadsTests
{
    private static RealtimeEvent Changed(string topic, params string[] names) => new()
    {
        Name = PresenceEvents.Changed,
        Topic = topic,
        Payload = JsonSerializer.SerializeToElement(
            new PresenceState(topic, 3, names.Select(n => new PresenceEntry(n.ToLowerInvariant(), [new PresenceMeta(n)])).ToArray()),
            RealtimeJson.Options),
    };

    [Fact]
    public void One_event_is_read_once_and_shared()
    {
        var e = Changed("workspace:a", "Ann", "Bob");

        var first = PresencePayloads.StateOf(e);
        var second = PresencePayloads.StateOf(e);

        Assert.Same(first, second);
        Assert.Equal(["Ann", "Bob"], first!.Entries.Select(x => x.Name));
        Assert.Equal(3, first.Version);
    }

    [Fact]
    public void Another_event_is_read_on_its_own()
    {
        var e = Changed("workspace:a", "Ann");
        var copy = e with { Payload = Changed("workspace:a", "Cy").Payload };

        Assert.Equal(["Ann"], PresencePayloads.StateOf(e)!.Entries.Select(x => x.Name));
        Assert.Equal(["Cy"], PresencePayloads.StateOf(copy)!.Entries.Select(x => x.Name));
    }
}
