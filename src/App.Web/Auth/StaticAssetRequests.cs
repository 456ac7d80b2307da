using Microsoft.AspNetCore.StaticAssets;

namespace App.Web.Auth;

/// <summary>Requests for files that are the same for everyone (scripts, styles, images, fonts). They need no
/// security-stamp check: skipping it keeps one page load from costing a database query per asset, while pages,
/// APIs and hubs (the Blazor circuit's /_blazor included) are still checked on every request.</summary>
public static class StaticAssetRequests
{
    public static bool Is(HttpContext context)
    {
        // Everything MapStaticAssets serves carries its descriptor (routing has already chosen the endpoint).
        if (context.GetEndpoint()?.Metadata.GetMetadata<StaticAssetDescriptor>() is not null) return true;
        var path = context.Request.Path;
        return path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content")
               || path.StartsWithSegments("/favicon.ico") || path.StartsWithSegments("/favicon.svg");
    }
}
