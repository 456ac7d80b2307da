using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace App.Web.Realtime.Hub;

/// <summary>The hub connections of this instance by id, with their <see cref="HubConnectionContext"/>, so one
/// serialised message can be written to many connections (as SignalR's own group sends do).</summary>
public sealed class HubConnectionContexts
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> contexts = new(StringComparer.Ordinal);

    public HubConnectionContext? Find(string connectionId) => contexts.GetValueOrDefault(connectionId);

    internal void Add(HubConnectionContext context) => contexts[context.ConnectionId] = context;

    internal void Remove(HubConnectionContext context) => contexts.TryRemove(context.ConnectionId, out _);
}

/// <summary>Wraps the hub's lifetime manager (local, or Redis backplane) and records connections as they come
/// and go; every operation is forwarded unchanged. Realtime events reach hub clients directly (see
/// <see cref="HubRealtimeConnections"/>), not through the backplane, so a backplane that cannot subscribe a
/// connection while Redis is down must not refuse it: the connection is accepted and gets this instance's events
/// (StackExchange.Redis restores the subscription when Redis is back).</summary>
public sealed class ConnectionCapturingLifetimeManager<THub>(HubLifetimeManager<THub> inner, HubConnectionContexts contexts,
    ILogger? logger = null)
    : HubLifetimeManager<THub> where THub : Microsoft.AspNetCore.SignalR.Hub
{
    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        contexts.Add(connection);
        try
        {
            await inner.OnConnectedAsync(connection);
        }
        catch (Exception ex) when (IsBackplaneOutage(ex))
        {
            // Debug only: the outage itself is logged once by RedisConnection.
            logger?.LogDebug(ex, "Hub connection {Connection} accepted without the backplane (Redis unreachable)", connection.ConnectionId);
        }
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        contexts.Remove(connection);
        try
        {
            await inner.OnDisconnectedAsync(connection);
        }
        catch (Exception ex) when (IsBackplaneOutage(ex))
        {
            logger?.LogDebug(ex, "Hub connection {Connection} left while Redis was unreachable", connection.ConnectionId);
        }
    }

    private static bool IsBackplaneOutage(Exception ex) =>
        ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException
        || ex.InnerException is { } inner && IsBackplaneOutage(inner);

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendAllAsync(methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        inner.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendConnectionAsync(connectionId, methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendGroupAsync(groupName, methodName, args, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendGroupsAsync(groupNames, methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        inner.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendUserAsync(userId, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendUsersAsync(userIds, methodName, args, cancellationToken);

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        inner.AddToGroupAsync(connectionId, groupName, cancellationToken);

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        inner.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, Microsoft.AspNetCore.SignalR.Protocol.CompletionMessage result) =>
        inner.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) =>
        inner.TryGetReturnType(invocationId, out type);
}
