using System.Globalization;
using System.Threading.RateLimiting;
using App.Web.Configuration;
using Microsoft.AspNetCore.RateLimiting;

namespace App.Web.RateLimiting;

/// <summary>ASP.NET Core's rate limiter over sign-in, sign-up, realtime token minting, hub/SSE connections and
/// circuits (limits in <see cref="RateLimitSettings"/>; job starts are limited in Jobs/). A refused request gets
/// 429 with Retry-After: JSON problem details for APIs, a short text for pages.</summary>
public static class RateLimitingExtensions
{
    /// <summary>Seconds a refused connection (over a concurrency limit) is told to wait: one closes whenever it closes.</summary>
    private const int ConnectionRetrySeconds = 10;

    public static IServiceCollection AddRateLimits(this IServiceCollection services, AppSettings settings)
    {
        var limits = settings.RateLimits;
        services.AddSingleton(new SignInAccountLimit(limits));
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = RequestLimits.Create(limits);
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (rejected, token) =>
            {
                var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? (int)Math.Ceiling(retryAfter.TotalSeconds)
                    : ConnectionRetrySeconds;
                return RejectAsync(rejected.HttpContext, seconds);
            };
        });
        return services;
    }

    /// <summary>After authentication and authorization (so a bearer-token hub client is known by its user), before
    /// the endpoints.</summary>
    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder app)
    {
        app.UseRateLimiter();
        app.Use(async (context, next) =>
        {
            if (!IsSignIn(context.Request))
            {
                await next(context);
                return;
            }
            using var lease = await context.RequestServices.GetRequiredService<SignInAccountLimit>().TryAcquireAsync(context);
            if (lease is { IsAcquired: false })
            {
                var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? (int)Math.Ceiling(retryAfter.TotalSeconds)
                    : ConnectionRetrySeconds;
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                await RejectAsync(context, seconds);
                return;
            }
            await next(context);
        });
        return app;
    }

    private static bool IsSignIn(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (request.Path.Equals("/Account/Login", StringComparison.OrdinalIgnoreCase)
            || request.Path.Equals("/api/auth/token", StringComparison.OrdinalIgnoreCase));

    private static async ValueTask RejectAsync(HttpContext context, int retryAfterSeconds)
    {
        var response = context.Response;
        retryAfterSeconds = Math.Max(1, retryAfterSeconds);
        response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        var message = $"Too many requests: try again in {retryAfterSeconds} seconds.";
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs"))
        {
            await Results.Problem(message, statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(context);
            return;
        }
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(message, context.RequestAborted);
    }
}
