using System.Security.Claims;
using App.Web.Shell;

namespace App.UnitTests.Shell;

public sealed class ThemePreferenceTests
{
    private static ClaimsPrincipal User(string? theme) => new(new ClaimsIdentity(
        theme is null ? [] : [new Claim(ThemePreference.ClaimType, theme)], "test"));

    [Theory]
    [InlineData(null, null, "system")]        // nothing chosen: follow the system
    [InlineData("dark", null, "dark")]        // a browser the user has not chosen in follows their saved choice
    [InlineData("dark", "light", "light")]    // this browser's latest choice wins
    [InlineData(null, "dark", "dark")]
    [InlineData("purple", "<script>", "system")] // anything unknown is ignored, never echoed into the page
    public void Picks_the_browser_choice_then_the_user_choice_then_the_system(string? claim, string? cookie, string expected) =>
        Assert.Equal(expected, ThemePreference.For(User(claim), cookie));
}
