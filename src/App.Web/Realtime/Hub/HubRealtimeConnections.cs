using System.Collections.Concurrent;
using System.Threading.Channels;
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
    RealtimeAudience audience, WorkspaceDirectory workspaces, IHubContext<RealtimeHub> hub, RealtimeMetrics metrics,
    ILogger<HubRealtimeConnections> logger)
{
    private readonly ConcurrentDictionary<string, Connection> open = new(StringComparer.Ordinal);
    private readonly IHubContext<RealtimeHub> hubContext = hub;
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
        var connection = new Connection(this, context, userId);
        open[context.ConnectionId] = connection;
        audience.Register(connection, userId, []);
        var memberships = await workspaces.MembershipIdsAsync(userId);
        audience.AddWorkspaces(connection, memberships);
        connection.Scopes = [EventScope.Global.Key, EventScope.User(userId).Key, .. memberships.Select(w => EventScope.Workspace(w).Key)];
    }

    public async Task CloseAsync(string connectionId)
    {
        if (!open.TryRemove(connectionId, out var connection)) return;
        audience.Unregister(connection);
        await connection.StopAsync();
    }

    public IReadOnlyList<string> ScopesOf(string connectionId) =>
        open.TryGetValue(connectionId, out var connection) ? connection.Scopes : [];

    private sealed class Connection : IRealtimeConnection
    {
        private readonly HubRealtimeConnections owner;
        private readonly HubCallerContext context;
        private readonly string userId;
        private readonly Channel<RealtimeEnvelope> queue = Channel.CreateBounded<RealtimeEnvelope>(
            new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        private readonly Task sender;

        public Connection(HubRealtimeConnections owner, HubCallerContext context, string userId)
        {
            this.owner = owner;
            this.context = context;
            this.userId = userId;
            sender = Task.Run(SendLoopAsync);
        }

        public string ConnectionId => context.ConnectionId;
        public IReadOnlyList<string> Scopes { get; set; } = [];

        public void Deliver(RealtimeEnvelope envelope)
        {
            if (!queue.Writer.TryWrite(envelope)) owner.counters.OnOverflow();
        }

        private async Task SendLoopAsync()
        {
            var client = owner.hubContext.Clients.Client(ConnectionId);
            await foreach (var envelope in queue.Reader.ReadAllAsync())
            {
                try
                {
                    await client.SendAsync(RealtimeHub.EventMethod, envelope.ToJsonElement());
                    owner.counters.OnDelivered();
                }
                catch (Exception ex)
                {
                    owner.counters.OnHandlerFailure();
                    owner.log.LogWarning(ex, "Sending {Event} to hub connection {Connection} failed", envelope.Event, ConnectionId);
                }
                // A disabled user is told, then disconnected.
                if (envelope.Event == UserAdministration.ChangedEvent && envelope.Scope == EventScope.User(userId)
                    && envelope.Payload.TryGetProperty("isDisabled", out var disabled) && disabled.GetBoolean())
                    context.Abort();
            }
        }

        public async Task StopAsync()
        {
            queue.Writer.TryComplete();
            await sender.WaitAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        }
    }
}
