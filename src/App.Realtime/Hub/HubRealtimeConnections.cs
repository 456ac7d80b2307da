using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections.Abstractions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace App.Realtime.Hub;

/// <summary>
/// The hub connections this instance holds, each in <see cref="RealtimeAudience"/> like a circuit, so the same
/// topic rules (and audience changes) apply. Each has its own <see cref="RealtimeConnectionQueue"/>: a slow client
/// never blocks the publisher or other clients, its drops are counted and it is sent a <c>missed</c> notice.
/// </summary>
public sealed class HubRealtimeConnections(
    RealtimeAudience audience, IRealtimeAudienceResolver resolver, HubConnectionContexts contexts, RealtimeMetrics metrics,
    IOptions<RealtimeOptions> options, IOptions<RealtimeHubOptions> hubOptions, ILogger<HubRealtimeConnections> logger)
{
    private readonly ConcurrentDictionary<string, Connection> open = new(StringComparer.Ordinal);

    public async Task OpenAsync(HubCallerContext context)
    {
        var userId = context.User is { } user ? options.Value.UserIdOf(user) : null;
        var hubConnection = contexts.Find(context.ConnectionId);
        if (userId is null || hubConnection is null)
        {
            context.Abort();
            return;
        }
        var connection = new Connection(context, hubConnection, metrics, logger, hubOptions.Value.QueueCapacity);
        open[context.ConnectionId] = connection;
        await audience.JoinAsync(connection, userId, id => resolver.TopicsOfAsync(id, context.ConnectionAborted));
    }

    public async Task CloseAsync(string connectionId)
    {
        if (!open.TryRemove(connectionId, out var connection)) return;
        audience.Unregister(connection);
        await connection.Queue.CloseAsync();
    }

    /// <summary>The topics the connection hears now (audience changes since it connected included).</summary>
    public IReadOnlyList<string> TopicsOf(string connectionId) =>
        open.TryGetValue(connectionId, out var connection) ? audience.TopicsOf(connection) : [];

    /// <summary>One hub connection in the audience. Its queue hands over everything queued so far, which goes out
    /// as one write (see <see cref="CoalescedHubMessage"/>).</summary>
    private sealed class Connection : IRealtimeConnection, IRealtimeQueueConsumer
    {
        private readonly HubCallerContext context;
        private readonly HubConnectionContext hubConnection;
        private readonly ILogger logger;
        // Stateful reconnect buffers and numbers each written invocation for replay: K events in one write would be
        // one unnumbered message to it, so such connections get one write per event.
        private readonly bool coalesce;

        public Connection(HubCallerContext context, HubConnectionContext hubConnection, RealtimeMetrics metrics, ILogger logger, int capacity)
        {
            this.context = context;
            this.hubConnection = hubConnection;
            this.logger = logger;
#pragma warning disable CA2252 // a preview interface; only its presence is read (SignalR sets it only for stateful connections)
            coalesce = hubConnection.Features.Get<IStatefulReconnectFeature>() is null;
#pragma warning restore CA2252
            Queue = new RealtimeConnectionQueue(context.ConnectionId, this, metrics, logger, capacity, inlineWhenIdle: true);
        }

        public RealtimeConnectionQueue Queue { get; }
        public string ConnectionId => context.ConnectionId;

        public void Deliver(RealtimeEvent realtimeEvent) => Queue.TryEnqueue(realtimeEvent);
        public void NotifyMissed() => Queue.NotifyMissed();
        public void Revoke() => Queue.Revoke();

        public async ValueTask DeliverAsync(IReadOnlyList<RealtimeEvent> events)
        {
            if (!coalesce)
            {
                foreach (var realtimeEvent in events) await hubConnection.WriteAsync(realtimeEvent.ToHubMessage());
                return;
            }
            var start = 0;
            while (start < events.Count)
            {
                // Everything queued so far goes out in one write, up to a size cap.
                var (count, bytes) = (0, 0);
                while (start + count < events.Count)
                {
                    var size = CoalescedHubMessage.Serialized(events[start + count], hubConnection.Protocol).Length;
                    if (count > 0 && bytes + size > CoalescedHubMessage.MaxBytes) break;
                    bytes += size;
                    count++;
                }
                using (var coalesced = CoalescedHubMessage.Create(hubConnection.Protocol, events, start, count, bytes))
                    await hubConnection.WriteAsync(coalesced.Message);
                start += count;
            }
        }

        public async ValueTask MissedAsync(long count)
        {
            var notice = new RealtimeEvent
            {
                Name = RealtimeEventNames.Missed, Topic = RealtimeTopics.Global, OccurredAt = DateTimeOffset.UtcNow,
                Payload = System.Text.Json.JsonSerializer.SerializeToElement(new { missed = count }),
            };
            await hubConnection.WriteAsync(notice.ToHubMessage());
        }

        public ValueTask RevokedAsync()
        {
            logger.LogInformation("Hub connection {Connection} revoked: its user may no longer hear events", ConnectionId);
            context.Abort();
            return ValueTask.CompletedTask;
        }
    }
}
