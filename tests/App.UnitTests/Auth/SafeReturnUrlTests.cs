using App.Web.Auth;

namespace App.UnitTests.Auth;

/// <summary>ReturnUrl comes from the query string or a form: only app-local paths may come back out.</summary>
public sealed class SafeReturnUrlTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/w/ada")]
    [InlineData("/w/ada/projects?tab=open#top")]
    [InlineData("/search?q=//not-a-host")]
    [InlineData("/a\\b")]
    public void App_local_paths_are_kept(string url) => Assert.Equal(url, CurrentUser.SafeReturnUrl(url, "/fallback"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("//evil.example")]
    [InlineData("///evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("HTTP://evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("evil.example")]
    [InlineData("~/w/ada")]
    [InlineData(" /w/ada")]
    [InlineData("/\t/evil.example")]
    [InlineData("/\n/evil.example")]
    [InlineData("/\r\nLocation: https://evil.example")]
    [InlineData("/w/ada\u0000")]
    [InlineData("/w/\u007f")]
    public void Anything_else_falls_back(string? url) => Assert.Equal("/fallback", CurrentUser.SafeReturnUrl(url, "/fallback"));

    [Theory]
    [InlineData("/w/café", "/w/caf%C3%A9")]
    [InlineData("/w/日本?q=ü#ß", "/w/%E6%97%A5%E6%9C%AC?q=%C3%BC#%C3%9F")]
    [InlineData("/w/😀", "/w/%F0%9F%98%80")]
    public void Non_ascii_paths_come_back_percent_encoded(string url, string expected) =>
        Assert.Equal(expected, CurrentUser.SafeReturnUrl(url, "/fallback"));

    [Fact]
    public void A_lone_surrogate_falls_back() => Assert.Equal("/fallback", CurrentUser.SafeReturnUrl("/w/\ud800x", "/fallback"));

    [Fact]
    public void An_over_long_url_falls_back() =>
        Assert.Equal("/", CurrentUser.SafeReturnUrl("/" + new string('a', 2000)));

    [Fact]
    public void Every_kept_url_is_one_that_LocalRedirect_accepts()
    {
        var helper = new Microsoft.AspNetCore.Mvc.Routing.UrlHelper(new Microsoft.AspNetCore.Mvc.ActionContext(
            new Microsoft.AspNetCore.Http.DefaultHttpContext(), new Microsoft.AspNetCore.Routing.RouteData(),
            new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
        foreach (var url in new[] { "/", "/w/ada", "/w/café", "//x", "/\\x", "/\t/x", "https://x", "~/x", "/ok?next=//x" })
        {
            var kept = CurrentUser.SafeReturnUrl(url, "/fallback");
            if (kept != "/fallback") Assert.True(helper.IsLocalUrl(kept), $"'{kept}' is not local to Url.IsLocalUrl");
        }
    }
}
