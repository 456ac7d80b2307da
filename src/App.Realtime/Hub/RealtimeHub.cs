using Microsoft.Extensions.Options;

namespace App.Realtime.Hub;

/// <summary>
/// The hub (mapped at <see cref="RealtimeHubOptions.Path"/>, default <c>/hubs/realtime</c>): the same topic-scoped
/// events as circuits, for clients that are not Blazor (a .NET or JS SignalR client, a mobile app). Requires
/// <see cref="RealtimeOptions.ClientPolicy"/>. Events arrive as <c>event(e)</c>; clients send nothing but
/// <see cref="Info"/>.
/// </summary>
public sealed class RealtimeHub(HubRealtimeConnections connections, IOptions<RealtimeOptions> options) : Microsoft.AspNetCore.SignalR.Hub
{
    public const string EventMethod = "event";

    public override Task OnConnectedAsync() => connections.OpenAsync(Context);

    public override Task OnDisconnectedAsync(Exception? exception) => connections.CloseAsync(Context.ConnectionId);

    /// <summary>Who this connection is and which topics it hears.</summary>
    public HubInfo Info() => new(Context.User is { } user ? options.Value.UserIdOf(user) ?? "" : "", connections.TopicsOf(Context.ConnectionId));

    public sealed record HubInfo(string UserId, IReadOnlyList<string> Topics);
}

/// <summary>Settings of the hub transport (<c>.AddHub(o => ...)</c>).</summary>
public sealed class RealtimeHubOptions
{
    public string Path { get; set; } = "/hubs/realtime";

    /// <summary>Events one hub connection may have waiting: references to shared, already serialised messages,
    /// so deep enough for a burst of several thousand events to a client that reads slowly.</summary>
    public int QueueCapacity { get; set; } = 8192;
}
