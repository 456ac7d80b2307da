using System.Text.Json;
using App.Web.Configuration;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace App.Web.Health;

public static class HealthExtensions
{
    public const string DependencyTag = "dependency";

    public static IServiceCollection AddAppHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [DependencyTag])
            .AddCheck<DiskSpaceHealthCheck>("disk", tags: [DependencyTag]);
        return services;
    }

    /// <summary><c>/healthz</c>: 200 when every dependency is up, 503 when any is down. Anonymous callers get only
    /// that status; operators and loopback callers (<see cref="OperationsAccess"/>) also get each check's state and
    /// description, which name the database file or host, the Redis address and the disk.
    /// <c>/healthz/live</c>: 200 while the process serves requests (for liveness probes).</summary>
    public static IEndpointRouteBuilder MapAppHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(DependencyTag),
            ResponseWriter = WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).DisableHttpMetrics();
        app.MapGet("/healthz/live", () => Results.Json(new { status = "alive" }));
        return app;
    }

    internal static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var status = report.Status == HealthStatus.Healthy ? "healthy" : "unhealthy";
        if (!OperationsAccess.Allows(context))
            return context.Response.WriteAsync(JsonSerializer.Serialize(new { status }, JsonSerializerOptions.Web));
        var body = new
        {
            status,
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status == HealthStatus.Healthy ? "up" : "down",
                description = e.Value.Description,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}
