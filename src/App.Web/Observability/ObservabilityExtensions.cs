using App.Web.Configuration;
using App.Web.Health;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace App.Web.Observability;

/// <summary>OpenTelemetry metrics and traces: ASP.NET Core (HTTP server, Kestrel, SignalR, rate limiting), .NET 10
/// Blazor components and circuits, and the app's realtime meter. Always scraped at <c>/metrics</c> (Prometheus
/// text, operators and loopback only); also pushed over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the
/// exporter reads the standard OTEL_* variables: protocol, headers, intervals).</summary>
public static class ObservabilityExtensions
{
    public const string MetricsPath = "/metrics";

    /// <summary>Meters exported besides ASP.NET Core's HTTP ones (which AddAspNetCoreInstrumentation adds).</summary>
    public static readonly string[] Meters =
    [
        App.Realtime.RealtimeMetrics.MeterName,
        "Microsoft.AspNetCore.Components",
        "Microsoft.AspNetCore.Components.Lifecycle",
        "Microsoft.AspNetCore.Components.Server.Circuits",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Diagnostics",
    ];

    /// <summary>Activity sources traced besides ASP.NET Core's HTTP requests.</summary>
    public static readonly string[] Sources =
        ["Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.SignalR.Server", App.Realtime.RealtimeTracing.SourceName];

    public static IServiceCollection AddObservability(this IServiceCollection services, AppSettings settings)
    {
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(settings.ServiceName))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddMeter(Meters)
                .AddPrometheusExporter());
        if (settings.OtlpEndpoint is null) return services;
        // Traces only where they go somewhere: with no exporter every span (one per delivery batch) is made for nothing.
        otel.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsScrapeOrProbe(http.Request.Path))
                .AddSource(Sources))
            .UseOtlpExporter();
        return services;
    }

    /// <summary><c>GET /metrics</c> for operators and loopback callers; anyone else gets 404.</summary>
    public static WebApplication MapObservability(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments(MetricsPath), branch => branch.Use((context, next) =>
        {
            if (OperationsAccess.Allows(context)) return next(context);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }));
        app.MapPrometheusScrapingEndpoint(MetricsPath).DisableHttpMetrics();
        return app;
    }

    private static bool IsScrapeOrProbe(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/healthz");
}
