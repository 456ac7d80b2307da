using System.Collections.Concurrent;
using App.Domain.Events;
using App.Domain.Users;
using App.Domain.Workspaces;
using App.Web.Auth;
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
    /// later messages queue (bounded, drops counted) and are sent in order by one drain loop.
    /// </summary>
    private sealed class Connection(HubRealtimeConnections owner, HubCallerContext context, HubConnectionContext hubConnection, string userId)
        : IRealtimeConnection
    {
        // References to shared, already-serialised messages: deep enough for a burst of several thousand events.
        private const int Capacity = 8192;
        private readonly Queue<RealtimeEnvelope> backlog = new();
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
                RealtimeEnvelope next;
                lock (backlog)
                {
                    if (backlog.Count == 0 || stopped)
                    {
                        sending = false;
                        if (stopped) drained.TrySetResult();
                        return;
                    }
                    next = backlog.Dequeue();
                }
                try
                {
                    await Write(next);
                    Delivered(next);
                }
                catch (Exception ex)
                {
                    Failed(ex, next);
                }
            }
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

        private void Failed(Exception ex, RealtimeEnvelope envelope)
        {
            owner.counters.OnHandlerFailure();
            owner.log.LogWarning(ex, "Sending {Event} to hub connection {Connection} failed", envelope.Event, ConnectionId);
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
