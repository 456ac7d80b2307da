using System.Collections.Concurrent;
using App.Domain.Events;
using App.Domain.Users;
using App.Domain.Workspaces;
using App.Web.Auth;
using Microsoft.AspNetCore.Connections.Abstractions;
using Microsoft.AspNetCore.SignalR;

namespace App.Web.Realtime.Hub;

/// <summary>
/// The hub connections this instance holds, each registered in <see cref="RealtimeAudience"/> like a circuit, so the
/// same scope rules (and membership updates) apply. Each has a bounded queue and one sender: a slow client never
/// blocks the publisher or other clients, and its drops are counted. Delivery is to the connection directly, so it
/// keeps working on this instance while Redis is down.
/// </summary>
public sealed class HubRealtimeConnections(
    RealtimeAudience audience, WorkspaceDirectory workspaces, HubConnectionContexts contexts, RealtimeMetrics metrics,
    ILogger<HubRealtimeConnections> logger)
{
    private readonly ConcurrentDictionary<string, Connection> open = new(StringComparer.Ordinal);
    private readonly HubConnectionContexts hubContexts = contexts;
    private readonly RealtimeMetrics counters = metrics;
    private readonly ILogger log = logger;

    public int Count => open.Count;

    public async Task OpenAsync(HubCallerContext context)
    {
        var userId = context.User?.Id();
        if (userId is null)
        {
            context.Abort();
            return;
        }
        var hubConnection = hubContexts.Find(context.ConnectionId);
        if (hubConnection is null)
        {
            context.Abort();
            return;
        }
        var connection = new Connection(this, context, hubConnection, userId);
        open[context.ConnectionId] = connection;
        await audience.JoinAsync(connection, userId, user => workspaces.MembershipIdsAsync(user));
    }

    public async Task CloseAsync(string connectionId)
    {
        if (!open.TryRemove(connectionId, out var connection)) return;
        audience.Unregister(connection);
        await connection.StopAsync();
    }

    /// <summary>The scopes the connection receives now (membership changes since it connected included).</summary>
    public IReadOnlyList<string> ScopesOf(string connectionId) =>
        open.TryGetValue(connectionId, out var connection) ? audience.ScopeKeysOf(connection) : [];

    /// <summary>
    /// One hub connection in the audience. A message is written straight to the connection on the publishing thread
    /// when nothing is pending (no thread hop, as SignalR's own broadcasts do); while a write waits on a slow client,
    /// later messages queue (bounded, drops counted) and are sent in order by one drain loop, which writes everything
    /// queued so far as one batch (see <see cref="CoalescedHubMessage"/>).
    /// </summary>
    private sealed class Connection(HubRealtimeConnections owner, HubCallerContext context, HubConnectionContext hubConnection, string userId)
        : IRealtimeConnection
    {
        // References to shared, already-serialised messages: deep enough for a burst of several thousand events.
        private const int Capacity = 8192;
        private readonly Queue<RealtimeEnvelope> backlog = new();
        // The drain loop's current batch (only that loop touches it).
        private readonly List<RealtimeEnvelope> batch = [];
        // Stateful reconnect buffers and numbers each written invocation for replay: K events in one write would be
        // one unnumbered message to it, so such connections get one write per event.
#pragma warning disable CA2252 // a preview interface; only its presence is read (SignalR sets it only for stateful connections)
        private readonly bool coalesce = hubConnection.Features.Get<IStatefulReconnectFeature>() is null;
#pragma warning restore CA2252
        private readonly TaskCompletionSource drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool sending;
        private bool stopped;

        public string ConnectionId => context.ConnectionId;

        public void Deliver(RealtimeEnvelope envelope)
        {
            lock (backlog)
            {
                if (stopped) return;
                if (sending)
                {
                    if (backlog.Count >= Capacity) owner.counters.OnOverflow();
                    else backlog.Enqueue(envelope);
                    return;
                }
                sending = true;
            }
            var write = Write(envelope);
            if (!write.IsCompleted)
            {
                _ = CompleteThenDrainAsync(write, envelope);
                return;
            }
            Completed(write, envelope);
            lock (backlog)
            {
                if (backlog.Count == 0 || stopped)
                {
                    sending = false;
                    if (stopped) drained.TrySetResult();
                    return;
                }
            }
            _ = Task.Run(DrainAsync);
        }

        private ValueTask Write(RealtimeEnvelope envelope)
        {
            try
            {
                // One serialisation per event, shared by every connection.
                return hubConnection.WriteAsync(envelope.ToHubMessage());
            }
            catch (Exception ex)
            {
                return ValueTask.FromException(ex);
            }
        }

        private async Task CompleteThenDrainAsync(ValueTask write, RealtimeEnvelope envelope)
        {
            try
            {
                await write;
                Delivered(envelope);
            }
            catch (Exception ex)
            {
                Failed(ex, envelope);
            }
            await DrainAsync();
        }

        private async Task DrainAsync()
        {
            while (true)
            {
                var bytes = 0;
                lock (backlog)
                {
                    if (backlog.Count == 0 || stopped)
                    {
                        sending = false;
                        if (stopped) drained.TrySetResult();
                        return;
                    }
                    // Everything queued so far goes out in one write, up to a cap (see CoalescedHubMessage).
                    do
                    {
                        var size = coalesce ? SizeOf(backlog.Peek()) : 0;
                        if (batch.Count > 0 && (size < 0 || bytes + size > CoalescedHubMessage.MaxBytes)) break;
                        batch.Add(backlog.Dequeue());
                        if (size < 0) break; // written alone, where its failure is logged and counted
                        bytes += size;
                    }
                    while (coalesce && backlog.Count > 0 && batch.Count < CoalescedHubMessage.MaxMessages);
                }
                if (batch.Count == 1) await WriteOneAsync(batch[0]);
                else await WriteBatchAsync(bytes);
                batch.Clear();
            }
        }

        private async Task WriteOneAsync(RealtimeEnvelope envelope)
        {
            try
            {
                await Write(envelope);
                Delivered(envelope);
            }
            catch (Exception ex)
            {
                Failed(ex, envelope);
            }
        }

        /// <summary>The envelope's serialised size in this connection's protocol, or -1 if it cannot be serialised.</summary>
        private int SizeOf(RealtimeEnvelope envelope)
        {
            try
            {
                return CoalescedHubMessage.Serialized(envelope, hubConnection.Protocol).Length;
            }
            catch (Exception)
            {
                return -1;
            }
        }

        private async Task WriteBatchAsync(int bytes)
        {
            try
            {
                using var coalesced = CoalescedHubMessage.Create(hubConnection.Protocol, batch, bytes);
                await hubConnection.WriteAsync(coalesced.Message);
            }
            catch (Exception ex)
            {
                Failed(ex, batch[0], batch.Count);
                return;
            }
            foreach (var envelope in batch) Delivered(envelope);
        }

        private void Completed(ValueTask write, RealtimeEnvelope envelope)
        {
            if (write.IsCompletedSuccessfully) Delivered(envelope);
            else
            {
                try { write.GetAwaiter().GetResult(); } catch (Exception ex) { Failed(ex, envelope); }
            }
        }

        private void Delivered(RealtimeEnvelope envelope)
        {
            owner.counters.OnDelivered();
            // A disabled user is told, then disconnected.
            if (envelope.Event == UserAdministration.ChangedEvent && envelope.Scope == EventScope.User(userId)
                && envelope.Payload.TryGetProperty("isDisabled", out var disabled) && disabled.GetBoolean())
                context.Abort();
        }

        private void Failed(Exception ex, RealtimeEnvelope envelope, int count = 1)
        {
            for (var i = 0; i < count; i++) owner.counters.OnHandlerFailure();
            owner.log.LogWarning(ex, "Sending {Event} ({Count} event(s)) to hub connection {Connection} failed", envelope.Event, count, ConnectionId);
        }

        public async Task StopAsync()
        {
            bool busy;
            lock (backlog)
            {
                stopped = true;
                backlog.Clear();
                busy = sending;
            }
            if (!busy) return;
            try
            {
                await drained.Task.WaitAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                owner.log.LogWarning("Hub connection {Connection} did not finish its last write within 3 s", ConnectionId);
            }
        }
    }
}
