using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace App.Realtime.Hub;

/// <summary>The hub connections of this instance by id, with their <see cref="HubConnectionContext"/>, so one
/// serialised message can be written to many connections (as SignalR's own group sends do).</summary>
public sealed class HubConnectionContexts
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> contexts = new(StringComparer.Ordinal);

    public HubConnectionContext? Find(string connectionId) => contexts.GetValueOrDefault(connectionId);

    internal void Add(HubConnectionContext context) => contexts[context.ConnectionId] = context;

    internal void Remove(HubConnectionContext context) => contexts.TryRemove(context.ConnectionId, out _);
}

/// <summary>Wraps the hub's lifetime manager and records connections as they come and go; every operation is
/// forwarded unchanged. Realtime events are written to hub connections directly from their own queues (see
/// <see cref="HubRealtimeConnections"/>), never through <c>IHubContext</c>, so no SignalR backplane is needed.</summary>
public sealed class ConnectionCapturingLifetimeManager<THub>(HubLifetimeManager<THub> inner, HubConnectionContexts contexts)
    : HubLifetimeManager<THub> where THub : Microsoft.AspNetCore.SignalR.Hub
{
    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        contexts.Add(connection);
        return inner.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        contexts.Remove(connection);
        return inner.OnDisconnectedAsync(connection);
    }

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
