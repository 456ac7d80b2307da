using System.Threading.RateLimiting;
using App.Web.Auth;
using App.Web.Realtime.Clients;

namespace App.Web.RateLimiting;

/// <summary>Which limit a request falls under, as one partitioned limiter for the whole app (so the realtime
/// endpoints need no limiter metadata of their own). Requests under no limit pass untouched.</summary>
internal static class RequestLimits
{
    public const string HubPath = "/hubs/realtime";
    public const string SsePath = "/api/realtime/events";
    public const string CircuitPath = "/_blazor";

    public static PartitionedRateLimiter<HttpContext> Create(RateLimitSettings limits) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var request = context.Request;
            var path = request.Path;
            var post = HttpMethods.IsPost(request.Method);
            if (post && (path.Equals("/Account/Login", StringComparison.OrdinalIgnoreCase) || path.Equals("/api/auth/token", StringComparison.OrdinalIgnoreCase)))
                return Window("sign-in:" + Address(context), limits.SignInPerIp);
            if (post && path.Equals("/Account/Register", StringComparison.OrdinalIgnoreCase))
                return Window("sign-up:" + Address(context), limits.SignUpPerIp);
            if (post && (path.Equals("/api/realtime/sse-token", StringComparison.OrdinalIgnoreCase) || path.Equals("/api/realtime/hub-token", StringComparison.OrdinalIgnoreCase)))
                return Window("tokens:" + User(context), limits.RealtimeTokensPerUser);
            // The long-lived requests: a WebSocket (or SSE / long-poll) hub transport, an SSE stream, a circuit's
            // WebSocket. Negotiate and send requests are short and not counted.
            if (HttpMethods.IsGet(request.Method) && path.Equals(HubPath, StringComparison.OrdinalIgnoreCase))
                return Concurrency("connections:" + User(context), limits.ConnectionsPerUser);
            if (HttpMethods.IsGet(request.Method) && path.Equals(SsePath, StringComparison.OrdinalIgnoreCase))
                return Concurrency("connections:" + SseUser(context), limits.ConnectionsPerUser);
            if (HttpMethods.IsGet(request.Method) && path.Equals(CircuitPath, StringComparison.OrdinalIgnoreCase))
                return Concurrency("circuits:" + User(context), limits.CircuitsPerUser);
            return RateLimitPartition.GetNoLimiter("none");
        });

    private static RateLimitPartition<string> Window(string key, RateWindow window) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = window.Permits, Window = window.Window, QueueLimit = 0, AutoReplenishment = true,
        });

    private static RateLimitPartition<string> Concurrency(string key, int permits) =>
        RateLimitPartition.GetConcurrencyLimiter(key, _ => new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = 0 });

    public static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>The signed-in user (cookie, or a bearer token the authorization step accepted), else the address.</summary>
    private static string User(HttpContext context) =>
        context.User.Id() is { } id ? "user:" + id : "ip:" + Address(context);

    /// <summary>SSE streams authenticate with a single-use token in the query: its user, read without using it up.</summary>
    private static string SseUser(HttpContext context)
    {
        var tokens = context.RequestServices.GetService<RealtimeTokens>();
        return tokens?.ReadSse(context.Request.Query["token"].ToString()) is { } sse ? "user:" + sse.UserId : "ip:" + Address(context);
    }
}
