namespace App.Realtime.Presence;

/// <summary>
/// Who is present on a topic (Phoenix Presence semantics): each tracked connection adds a meta under its user's key,
/// and a key with several connections (tabs) counts once. Every change is published as a
/// <see cref="PresenceEvents.Changed"/> event on the topic itself, carrying the new <see cref="PresenceState"/>, so it
/// reaches exactly the connections allowed to hear the topic. In-memory by default; with <c>.AddRedis</c> presence
/// spans instances, each heartbeating its own entries: a dead instance's entries expire (<see cref="PresenceOptions.Timeout"/>).
/// In a component, use <see cref="Circuits.CircuitPresence"/> or <c>&lt;PresenceList&gt;</c>, which also leave when the
/// circuit's connection drops.
/// </summary>
public interface IPresence
{
    /// <summary>Adds <paramref name="meta"/> under <paramref name="key"/> (a user id) on <paramref name="topic"/> for one
    /// connection; dispose the result to leave. Never throws because the store is down: the entry is written when it
    /// is back.</summary>
    Task<IPresenceTracking> TrackAsync(string topic, string key, PresenceMeta meta, string connectionId);

    /// <summary>Who is present on <paramref name="topic"/> now (expired entries left out).</summary>
    Task<PresenceState> ListAsync(string topic);
}

/// <summary>One tracked connection's entry; dispose to leave.</summary>
public interface IPresenceTracking : IAsyncDisposable
{
    string Topic { get; }

    PresenceMeta Meta { get; }

    /// <summary>Changes what this connection says (e.g. from viewing to editing a project).</summary>
    Task UpdateAsync(PresenceMeta meta);
}

public static class PresenceEvents
{
    /// <summary>Published on the topic whose presence changed; the payload is the topic's <see cref="PresenceState"/>.</summary>
    public const string Changed = "presence.changed";
}

/// <summary>Presence timings (<c>.ConfigurePresence(o => ...)</c>).</summary>
public sealed class PresenceOptions
{
    /// <summary>How often an instance renews its entries and removes expired ones.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An entry not renewed for this long (its instance died) is removed. At least twice the heartbeat.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    internal void Validate()
    {
        if (HeartbeatInterval <= TimeSpan.Zero) throw new ArgumentException("Presence HeartbeatInterval must be positive.");
        if (Timeout < HeartbeatInterval * 2)
            throw new ArgumentException($"Presence Timeout ({Timeout}) must be at least twice HeartbeatInterval ({HeartbeatInterval}).");
    }
}
