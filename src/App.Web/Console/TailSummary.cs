using App.Realtime;
using App.Realtime.Presence;

namespace App.Web.Console;

/// <summary>The one line the console's live tail shows for an event, before its payload is expanded: what happened
/// to which entity, who is online for presence, or the start of the payload.</summary>
public static class TailSummary
{
    public const int MaxLength = 100;

    public static string Of(RealtimeEvent e)
    {
        if (e.Operation is not null)
            return $"{e.Entity} {e.EntityId} {e.Operation}{(e.Action is null ? "" : $" ({e.Action})")}{(e.Reason is null ? "" : $": {e.Reason}")}";
        if (e.Name == PresenceEvents.Changed && e.PayloadAs<PresenceState>() is { } present)
            return Shorten(present.Count == 0 ? "nobody online" : $"{present.Count} online: {string.Join(", ", present.Entries.Select(p => p.Name))}");
        return Shorten(e.Payload.ToString());
    }

    private static string Shorten(string text) => text.Length <= MaxLength ? text : text[..(MaxLength - 1)] + "…";
}
