using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace App.Realtime.Presence;

/// <summary>
/// <see cref="IPresence"/> over a store (this process, or Redis): tracks this instance's entries, renews them every
/// heartbeat, sweeps expired ones (a dead instance's) and publishes each change as <see cref="PresenceEvents.Changed"/>
/// on its topic. Store faults are logged and counted, never thrown at a component: the next heartbeat writes the
/// entry again once the store is back (and publishes it).
/// </summary>
internal sealed class RealtimePresence(
    IPresenceStore store,
    IRealtimePublisher publisher,
    RealtimeMetrics metrics,
    IOptions<PresenceOptions> options,
    TimeProvider time,
    ILogger<RealtimePresence> logger) : IPresence, IHostedService
{
    private readonly ConcurrentDictionary<string, Tracking> own = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private Task? loop;
    private int failing;
    private DateTimeOffset retellUntil; // heartbeat loop only

    private PresenceOptions Options => options.Value;

    public async Task<IPresenceTracking> TrackAsync(string topic, string key, PresenceMeta meta, string connectionId)
    {
        if (!RealtimeTopics.IsValid(topic)) throw new ArgumentException($"'{topic}' is not a topic.", nameof(topic));
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionId);
        if (connectionId.Length > 100) throw new ArgumentException("A connection id has at most 100 characters.", nameof(connectionId));
        ArgumentNullException.ThrowIfNull(meta);
        meta.Validate();
        var tracking = new Tracking(this, topic, key, $"{connectionId}:{Guid.NewGuid():N}", meta);
        own[tracking.Ref] = tracking;
        await WriteAsync(tracking);
        return tracking;
    }

    public async Task<PresenceState> ListAsync(string topic)
    {
        try
        {
            return await store.ListAsync(topic, time.GetUtcNow());
        }
        catch (Exception ex) when (IsStoreFault(ex))
        {
            Failed(ex, "listing", topic);
            return PresenceState.Empty(topic);
        }
    }

    private PresenceRow RowOf(Tracking tracking) =>
        new(tracking.Ref, tracking.Key, tracking.Meta, time.GetUtcNow() + Options.Timeout);

    private async Task WriteAsync(Tracking tracking)
    {
        try
        {
            Publish(await store.PutAsync(tracking.Topic, RowOf(tracking), time.GetUtcNow()));
            // Left while this write was on its way: take the row back out rather than leave it to expire.
            if (!own.ContainsKey(tracking.Ref) && await store.RemoveAsync(tracking.Topic, tracking.Ref, time.GetUtcNow()) is { } state)
                Publish(state);
        }
        catch (Exception ex) when (IsStoreFault(ex))
        {
            Failed(ex, "tracking", tracking.Topic);
        }
    }

    private async Task LeaveAsync(Tracking tracking)
    {
        if (!own.TryRemove(tracking.Ref, out _)) return;
        try
        {
            if (await store.RemoveAsync(tracking.Topic, tracking.Ref, time.GetUtcNow()) is { } state) Publish(state);
        }
        catch (Exception ex) when (IsStoreFault(ex))
        {
            // Left in the store: it expires with no heartbeat to renew it.
            Failed(ex, "leaving", tracking.Topic);
        }
    }

    /// <summary>One heartbeat: renew this instance's entries, then remove everyone's expired ones.</summary>
    internal async Task BeatAsync()
    {
        try
        {
            var tracked = own.Values.ToArray();
            var rows = tracked.Select(t => (t.Topic, Row: RowOf(t))).ToArray();
            var rewritten = await store.RenewAsync(rows);
            await UndoStaleRenewalsAsync(tracked, rows);
            // After an outage (or rows lost with Redis' data), every topic this instance is on is told again, and again
            // on each heartbeat for one Timeout: joins and leaves made meanwhile were never published, the other instances
            // write their rows back only on their own next heartbeat, and what they tell is lost on an instance whose
            // relay has not resubscribed yet. Without the repeats a list could keep a state from before they were back.
            var recovered = Volatile.Read(ref failing) == 1;
            if (recovered || rewritten.Count > 0) retellUntil = time.GetUtcNow() + Options.Timeout;
            var tell = time.GetUtcNow() < retellUntil
                ? rows.Select(r => r.Topic).Concat(rewritten).Distinct(StringComparer.Ordinal)
                : rewritten;
            foreach (var topic in tell) Publish(await store.ListAsync(topic, time.GetUtcNow()));
            foreach (var state in await store.SweepAsync(time.GetUtcNow())) Publish(state);
            if (recovered && Interlocked.Exchange(ref failing, 0) == 1) logger.LogInformation("Presence store reachable again");
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            // Whatever it was, the next heartbeat tries again: a loop that died would leave this instance's users to expire.
            Failed(ex, "renewing", "*");
        }
    }

    /// <summary>A leave or an update that ran while the renewal was on its way may have been overwritten by it (the row
    /// written back, or its old meta): both are done again. A leave removes from <see cref="own"/> before the store, so
    /// one that this check misses runs entirely after the renewal.</summary>
    private async Task UndoStaleRenewalsAsync(Tracking[] tracked, (string Topic, PresenceRow Row)[] rows)
    {
        for (var i = 0; i < tracked.Length; i++)
        {
            var tracking = tracked[i];
            if (!own.ContainsKey(tracking.Ref))
            {
                if (await store.RemoveAsync(tracking.Topic, tracking.Ref, time.GetUtcNow()) is { } state) Publish(state);
            }
            else if (tracking.Meta != rows[i].Row.Meta)
            {
                await WriteAsync(tracking);
            }
        }
    }

    private void Publish(PresenceState state) => publisher.Publish(new RealtimeEvent
    {
        Name = PresenceEvents.Changed,
        Topic = state.Topic,
        OccurredAt = time.GetUtcNow(),
        Payload = JsonSerializer.SerializeToElement(state, RealtimeJson.Options),
    });

    // Anything but bad input: no store fault, whatever its type, may end the heartbeat or reach a component.
    private static bool IsStoreFault(Exception ex) => ex is not ArgumentException;

    /// <summary>Counted every time, logged as a warning once per outage (every heartbeat would fail while it lasts).</summary>
    private void Failed(Exception ex, string what, string topic)
    {
        metrics.OnRelayFailure();
        if (Interlocked.Exchange(ref failing, 1) == 0) logger.LogWarning(ex, "Presence store failed while {What} on {Topic}", what, topic);
        else logger.LogDebug(ex, "Presence store failed while {What} on {Topic}", what, topic);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Options.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping.Token)) await BeatAsync();
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        stopping.Cancel();
        if (loop is not null) await loop;
        // A clean stop leaves at once instead of waiting for expiry.
        foreach (var tracking in own.Values.ToArray()) await LeaveAsync(tracking);
    }

    private sealed class Tracking(RealtimePresence owner, string topic, string key, string reference, PresenceMeta meta)
        : IPresenceTracking
    {
        private int disposed;

        public string Topic { get; } = topic;
        public string Key { get; } = key;
        public string Ref { get; } = reference;
        public PresenceMeta Meta { get; private set; } = meta;

        public async Task UpdateAsync(PresenceMeta meta)
        {
            ArgumentNullException.ThrowIfNull(meta);
            meta.Validate();
            if (Volatile.Read(ref disposed) == 1 || meta == Meta) return;
            Meta = meta;
            await owner.WriteAsync(this);
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) await owner.LeaveAsync(this);
        }
    }
}
