using System.Diagnostics;
using System.Net;
using App.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;

namespace App.Web.Errors;

/// <summary>Unhandled exceptions outside circuits: APIs and hubs get JSON problem details, pages a self-contained
/// HTML page. Neither renders a component nor touches the database, so they still work when the database is what
/// failed (a re-executed Blazor error page would hit the same failure in the cookie check and answer an empty 500).
/// A database outage answers 503 with "try again"; anything else 500.</summary>
public static class ErrorResponses
{
    public static IApplicationBuilder UseErrorResponses(this IApplicationBuilder app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteAsync });

    private static async Task WriteAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var unavailable = exception is not null && DatabaseFailures.IsUnavailable(exception);
        var status = unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
        var title = unavailable ? "The database is unavailable" : "Something went wrong";
        var detail = unavailable
            ? "The database is unavailable right now: try again in a moment."
            : "An error occurred while processing your request. Nothing you saved before it was lost.";
        var requestId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        if (unavailable) context.Response.Headers.RetryAfter = "5";

        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/healthz"))
        {
            await Results.Problem(detail, title: title, statusCode: status,
                extensions: new Dictionary<string, object?> { ["requestId"] = requestId }).ExecuteAsync(context);
            return;
        }
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(Page(title, detail, requestId, status));
    }

    private static string Page(string title, string detail, string requestId, int status) => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{WebUtility.HtmlEncode(title)}}</title>
        <style>
          body { font-family: Roboto, system-ui, sans-serif; margin: 0; padding: 3rem 1.5rem; background: #f5f5f5; color: #212121; }
          main { max-width: 36rem; margin: 0 auto; background: #fff; border-radius: 8px; padding: 2rem; box-shadow: 0 1px 3px rgba(0,0,0,.2); }
          h1 { color: #b71c1c; font-size: 1.6rem; margin-top: 0; } code { font-size: .85rem; } a { color: #1565c0; }
          @media (prefers-color-scheme: dark) { body { background: #121212; color: #e0e0e0; } main { background: #1e1e1e; }
            h1 { color: #ef9a9a; } a { color: #90caf9; } }
        </style></head>
        <body><main id="error-page" data-status="{{status}}">
        <h1 id="error-title">{{WebUtility.HtmlEncode(title)}}</h1>
        <p id="error-detail">{{WebUtility.HtmlEncode(detail)}}</p>
        <p><a href="">Try again</a> · <a href="/">Home</a></p>
        <p><small>Request ID: <code>{{WebUtility.HtmlEncode(requestId)}}</code></small></p>
        </main></body></html>
        """;
}
