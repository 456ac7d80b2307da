using App.Web.Auth;
using App.Web.Realtime.Clients;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace App.Web.Realtime.Hub;

/// <summary>
/// <c>/hubs/realtime</c>: the same scoped events as circuits, for clients that are not Blazor (a .NET or JS
/// SignalR client, a mobile app). Authenticated by cookie or bearer token; anonymous connections get 401.
/// Events arrive as <c>event(envelope)</c>. Clients send nothing but <see cref="Info"/>.
/// </summary>
[Authorize(Policy = RealtimePolicies.Client)]
public sealed class RealtimeHub(HubRealtimeConnections connections) : Microsoft.AspNetCore.SignalR.Hub
{
    public const string Path = "/hubs/realtime";
    public const string EventMethod = "event";

    public override Task OnConnectedAsync() => connections.OpenAsync(Context);

    public override Task OnDisconnectedAsync(Exception? exception) => connections.CloseAsync(Context.ConnectionId);

    /// <summary>Who this connection is and which scopes it receives.</summary>
    public HubInfo Info() => new(Context.User?.Id() ?? "", connections.ScopesOf(Context.ConnectionId));

    public sealed record HubInfo(string UserId, IReadOnlyList<string> Scopes);
}
