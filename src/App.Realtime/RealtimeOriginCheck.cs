using App.Realtime.Hub;
using App.Realtime.Sse;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace App.Realtime;

/// <summary>
/// Refuses browser requests from other origins to the realtime endpoints (the hub's negotiate and WebSocket
/// upgrade, SSE, and Blazor's circuit hub) with 403. A page on another port or a sibling subdomain is the same
/// site, so SameSite=Lax cookies go along and CORS does not apply to WebSockets: without this check it could
/// read the visitor's events. Allowed: the request's own origin and <see cref="RealtimeOptions.AllowedOrigins"/>.
/// A request without an <c>Origin</c> header (a non-browser client with a bearer token) is not checked.
/// Runs first in the pipeline (a startup filter), so nothing else handles a refused request.
/// </summary>
internal sealed class RealtimeOriginCheck(IServiceProvider services, IOptions<RealtimeOptions> options,
    ILogger<RealtimeOriginCheck> logger) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var paths = CheckedPaths();
        var allowed = options.Value.AllowedOrigins.Select(Normalize).OfType<string>().ToHashSet(StringComparer.Ordinal);
        app.Use(async (http, nextMiddleware) =>
        {
            if (IsRefused(http.Request, paths, allowed))
            {
                logger.LogWarning("Refused a cross-origin realtime request from {Origin} to {Path}",
                    http.Request.Headers.Origin.ToString(), http.Request.Path.Value);
                await Results.Problem("This origin may not open realtime connections to this app.", statusCode: 403).ExecuteAsync(http);
                return;
            }
            await nextMiddleware(http);
        });
        next(app);
    };

    private PathString[] CheckedPaths()
    {
        var paths = new List<PathString>();
        if (services.GetService<HubRealtimeConnections>() is not null)
            paths.Add(services.GetRequiredService<IOptions<RealtimeHubOptions>>().Value.Path);
        if (services.GetService<SseReplayBuffer>() is not null)
            paths.Add(services.GetRequiredService<IOptions<RealtimeSseOptions>>().Value.Path);
        if (options.Value.CircuitHubPath is { Length: > 0 } circuits) paths.Add(circuits);
        return [.. paths];
    }

    internal static bool IsRefused(HttpRequest request, PathString[] paths, IReadOnlySet<string> allowed)
    {
        if (!request.Headers.TryGetValue("Origin", out var values) || values.Count == 0) return false;
        if (!paths.Any(p => request.Path.StartsWithSegments(p))) return false;
        // "null" (sandboxed frames, file: pages) and anything unparsable is refused.
        var origin = values.Count == 1 ? Normalize(values[0]) : null;
        if (origin is null) return true;
        return origin != Normalize($"{request.Scheme}://{request.Host}") && !allowed.Contains(origin);
    }

    /// <summary><c>scheme://host[:port]</c> in lower case without a default port; null when not an http(s) origin.</summary>
    internal static string? Normalize(string? origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/"
            && uri.Query.Length == 0 && uri.UserInfo.Length == 0
            ? uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant()
            : null;
}
