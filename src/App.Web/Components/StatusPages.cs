using Microsoft.AspNetCore.Diagnostics;

namespace App.Web.Components;

public static class StatusPages
{
    /// <summary>Renders /status/{code} for bodiless error responses of page requests (browser GETs). API, hub and
    /// POST responses keep their own status and body: re-executing a POST as a page would turn a 401 into a
    /// 400 (antiforgery).</summary>
    public static WebApplication UseAppStatusPages(this WebApplication app)
    {
        app.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true);
        app.Use((context, next) =>
        {
            var path = context.Request.Path;
            if (!HttpMethods.IsGet(context.Request.Method) || path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs")
                || path.StartsWithSegments("/healthz"))
            {
                if (context.Features.Get<IStatusCodePagesFeature>() is { } feature) feature.Enabled = false;
            }
            return next(context);
        });
        return app;
    }
}
