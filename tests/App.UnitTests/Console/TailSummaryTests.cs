using System.Text.Json;
using App.Realtime;
using App.Realtime.Presence;
using App.Web.Console;

namespace App.UnitTests.Console;

/// <summary>The live tail's one-line summaries: an entity change names it, presence says who is online, anything else
/// shows the start of its payload (the whole of it is one click away).</summary>
public sealed class TailSummaryTests
{
    [Fact]
    public void An_entity_change_names_the_entity_the_operation_and_the_action() =>
        Assert.Equal("project 42 Updated (project-closed)", TailSummary.Of(Event("projects.project.changed", new { }) with
        {
            Entity = "project", EntityId = "42", Operation = RealtimeOperations.Updated, Action = "project-closed",
        }));

    [Fact]
    public void Presence_says_who_is_online()
    {
        var state = new PresenceState("workspace:1", 3, [
            new PresenceEntry("a", [new PresenceMeta("Ann Lee")]), new PresenceEntry("b", [new PresenceMeta("Bob")])]);
        Assert.Equal("2 online: Ann Lee, Bob", TailSummary.Of(Event(PresenceEvents.Changed, state)));
        Assert.Equal("nobody online", TailSummary.Of(Event(PresenceEvents.Changed, PresenceState.Empty("workspace:1"))));
    }

    [Fact]
    public void Any_other_payload_is_cut_to_one_short_line()
    {
        var summary = TailSummary.Of(Event("demo.ping", new { message = new string('x', 500) }));
        Assert.Equal(TailSummary.MaxLength, summary.Length);
        Assert.StartsWith("{\"message\":\"xxx", summary);
        Assert.EndsWith("…", summary);
        Assert.Equal("{\"message\":\"hi\"}", TailSummary.Of(Event("demo.ping", new { message = "hi" })));
    }

    private static RealtimeEvent Event(string name, object payload) => new()
    {
        Name = name, Topic = "workspace:1", Payload = JsonSerializer.SerializeToElement(payload, RealtimeJson.Options),
    };
}
