using App.Realtime.Presence;
using Microsoft.Extensions.Logging;

namespace App.Realtime.Circuits;

/// <summary>
/// Presence for the current circuit (inject it in a component): what it tracks is left when the component disposes
/// the handle, when the circuit closes (a closed tab) and while the circuit's connection is down (a lost network),
/// and tracked again when the connection comes back. Never throws at a component for a store fault.
/// <code>
/// tracking = await Presence.TrackAsync("workspace:42", userId, new PresenceMeta("Ann"));   // dispose to leave
/// </code>
/// </summary>
public sealed class CircuitPresence(IPresence presence, IRealtimeCircuit circuit, ILogger<CircuitPresence> logger) : IAsyncDisposable
{
    private readonly IPresence store = presence;
    private readonly string originId = circuit.OriginId;
    private readonly ILogger logger = logger;
    private readonly Lock changing = new();
    private readonly List<Handle> handles = [];
    private bool connected = true;
    private bool disposed;

    /// <summary>Tracks this circuit on <paramref name="topic"/> as <paramref name="key"/> (a user id); dispose to leave.</summary>
    public async Task<IPresenceTracking> TrackAsync(string topic, string key, PresenceMeta meta)
    {
        meta.Validate();
        var handle = new Handle(this, topic, key, meta);
        bool live;
        lock (changing)
        {
            if (disposed) return handle;
            handles.Add(handle);
            live = connected;
        }
        if (live) await handle.ConnectAsync();
        return handle;
    }

    public Task<PresenceState> ListAsync(string topic) => store.ListAsync(topic);

    /// <summary>The circuit's connection dropped: others stop seeing this circuit at once.</summary>
    internal async Task ConnectionDownAsync()
    {
        Handle[] current;
        lock (changing)
        {
            connected = false;
            current = [.. handles];
        }
        foreach (var handle in current) await handle.DisconnectAsync();
    }

    internal async Task ConnectionUpAsync()
    {
        Handle[] current;
        lock (changing)
        {
            if (connected || disposed) return;
            connected = true;
            current = [.. handles];
        }
        foreach (var handle in current) await handle.ConnectAsync();
    }

    /// <summary>Whether <paramref name="handle"/> should be in the store now: still held, circuit open and connected.</summary>
    private bool Wants(Handle handle)
    {
        lock (changing) return connected && !disposed && handles.Contains(handle);
    }

    private async Task RemoveAsync(Handle handle)
    {
        lock (changing) handles.Remove(handle);
        await handle.DisconnectAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Handle[] current;
        lock (changing)
        {
            disposed = true;
            current = [.. handles];
            handles.Clear();
        }
        foreach (var handle in current) await handle.DisconnectAsync();
    }

    /// <summary>What the component holds: the wanted entry, written to the store only while the connection is up.</summary>
    private sealed class Handle(CircuitPresence owner, string topic, string key, PresenceMeta meta) : IPresenceTracking
    {
        private readonly SemaphoreSlim gate = new(1, 1);
        private IPresenceTracking? live;

        public string Topic { get; } = topic;
        public PresenceMeta Meta { get; private set; } = meta;

        public async Task ConnectAsync()
        {
            await gate.WaitAsync();
            try
            {
                // Asked for from a list taken earlier (a reconnect, a track racing a drop): the handle may have been
                // disposed or the connection lost since. Checked under the gate, so whatever removes it later waits
                // for this track and then takes it out again.
                if (live is null && owner.Wants(this)) live = await owner.store.TrackAsync(Topic, key, Meta, owner.originId);
            }
            catch (Exception ex)
            {
                owner.logger.LogWarning(ex, "Tracking presence on {Topic} failed", Topic);
            }
            finally
            {
                gate.Release();
            }
        }

        public async Task DisconnectAsync()
        {
            await gate.WaitAsync();
            try
            {
                if (live is not null) await live.DisposeAsync();
                live = null;
            }
            finally
            {
                gate.Release();
            }
        }

        public async Task UpdateAsync(PresenceMeta meta)
        {
            meta.Validate();
            await gate.WaitAsync();
            try
            {
                Meta = meta;
                if (live is not null) await live.UpdateAsync(meta);
            }
            finally
            {
                gate.Release();
            }
        }

        public ValueTask DisposeAsync() => new(owner.RemoveAsync(this));
    }
}
