using System.Security.Claims;

namespace App.Realtime;

/// <summary>Settings of the realtime layer (<c>services.AddRealtime(o => ...)</c>).</summary>
public sealed class RealtimeOptions
{
    /// <summary>Events one circuit may have waiting before further ones are dropped (and reported as missed); the
    /// hub and SSE have their own (<c>RealtimeHubOptions</c>, <c>RealtimeSseOptions</c>).</summary>
    public int QueueCapacity { get; set; } = RealtimeConnectionQueue.DefaultCapacity;

    /// <summary>The user id of a connected principal (default: the NameIdentifier claim, as SignalR uses); null
    /// for anonymous, who hear only the global topic.</summary>
    public Func<ClaimsPrincipal, string?> UserIdOf { get; set; } =
        user => user.Identity?.IsAuthenticated == true ? user.FindFirstValue(ClaimTypes.NameIdentifier) : null;

    /// <summary>The authorization policy the hub and the SSE endpoint require (the app defines it; e.g. cookie or
    /// bearer token). Null: any authenticated user.</summary>
    public string? ClientPolicy { get; set; }

    /// <summary>How often an idle SSE stream sends a comment line, so proxies keep it open.</summary>
    public TimeSpan SseHeartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Browser origins (<c>https://app.example.com</c>) besides the app's own (the request's scheme and
    /// host) whose pages may open the hub, SSE and Blazor's circuit hub; any other Origin gets 403. List the public
    /// origin here when a proxy changes the scheme or host the app sees.</summary>
    public IList<string> AllowedOrigins { get; } = new List<string>();

    /// <summary>Blazor Server's circuit hub, checked for the origin like the hub (null: not checked).</summary>
    public string? CircuitHubPath { get; set; } = "/_blazor";

    /// <summary>True when <paramref name="value"/> is an http(s) origin (<c>scheme://host[:port]</c>, nothing after
    /// it), as <see cref="AllowedOrigins"/> needs; apps use it to reject a bad setting with their own message.</summary>
    public static bool IsOrigin(string? value) => RealtimeOriginCheck.Normalize(value) is not null;

    internal void Validate()
    {
        foreach (var origin in AllowedOrigins)
            if (!IsOrigin(origin))
                throw new ArgumentException($"Realtime AllowedOrigins: '{origin}' is not an origin such as https://app.example.com.");
        if (QueueCapacity < 1) throw new ArgumentException($"Realtime QueueCapacity must be at least 1 (was {QueueCapacity}).");
        if (SseHeartbeat <= TimeSpan.Zero) throw new ArgumentException("Realtime SseHeartbeat must be positive.");
        ArgumentNullException.ThrowIfNull(UserIdOf);
    }
}
