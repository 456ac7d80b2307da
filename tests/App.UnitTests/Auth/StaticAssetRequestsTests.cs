using App.Web.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticAssets;

namespace App.UnitTests.Auth;

/// <summary>Which requests skip the per-request security-stamp check: static files only.</summary>
public sealed class StaticAssetRequestsTests
{
    [Theory]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css")]
    [InlineData("/favicon.svg")]
    public void Framework_and_library_files_skip_the_check(string path) => Assert.True(StaticAssetRequests.Is(Request(path)));

    [Theory]
    [InlineData("/")]
    [InlineData("/w/ada/projects")]
    [InlineData("/console")]
    [InlineData("/api/realtime/events")]
    [InlineData("/hubs/realtime")]
    [InlineData("/_blazor")]
    [InlineData("/_blazor/negotiate")]
    [InlineData("/_frameworkx/evil")]
    [InlineData("/css")]
    public void Pages_apis_and_hubs_keep_it(string path) => Assert.False(StaticAssetRequests.Is(Request(path)));

    [Fact]
    public void Any_file_served_by_MapStaticAssets_skips_the_check()
    {
        var context = Request("/app.abc123.css");
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask,
            new EndpointMetadataCollection(new StaticAssetDescriptor { Route = "app.abc123.css", AssetPath = "app.css" }), "asset"));
        Assert.True(StaticAssetRequests.Is(context));
    }

    private static DefaultHttpContext Request(string path) => new() { Request = { Path = path } };
}
