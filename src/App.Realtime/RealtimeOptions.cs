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

    internal void Validate()
    {
        if (QueueCapacity < 1) throw new ArgumentException($"Realtime QueueCapacity must be at least 1 (was {QueueCapacity}).");
        if (SseHeartbeat <= TimeSpan.Zero) throw new ArgumentException("Realtime SseHeartbeat must be positive.");
        ArgumentNullException.ThrowIfNull(UserIdOf);
    }
}
