using System.Runtime.CompilerServices;

namespace App.Realtime.Presence;

/// <summary>
/// The <see cref="PresenceState"/> a <see cref="PresenceEvents.Changed"/> event carries, read once per event and shared
/// by every circuit the event reaches (one event instance is fanned out to all of them). Each circuit deserialising its
/// own copy kept N copies of an N-entry state on a topic with N tabs open (bench: ~10 KB per circuit at 100 tabs).
/// Keyed weakly by the event, so the cache lives exactly as long as the event; states are immutable records.
/// </summary>
internal static class PresencePayloads
{
    private static readonly ConditionalWeakTable<RealtimeEvent, PresenceState?> Read = new();

    public static PresenceState? StateOf(RealtimeEvent e) => Read.GetValue(e, static e => e.PayloadAs<PresenceState>());
}
