using App.UnitTests.Infrastructure;
using App.Web.Shell;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace App.UnitTests.Components;

/// <summary>Focus moves to the heading once per page navigated to, through appShell.focusHeading (which leaves it
/// in a field the user is typing into).</summary>
public sealed class FocusHeadingOnNavigateTests : MudComponentTest
{
    private sealed class PageA : ComponentBase;
    private sealed class PageB : ComponentBase;

    [Fact]
    public void Asks_to_focus_the_heading_once_per_page_navigated_to()
    {
        var focus = Context.JSInterop.SetupVoid("appShell.focusHeading");
        var cut = Context.Render<FocusHeadingOnNavigate>(p => p.Add(c => c.RouteData, new RouteData(typeof(PageA), new Dictionary<string, object?>())));
        Assert.Single(focus.Invocations);

        // Same page again (a re-render, a query-string change): focus stays where the user put it.
        cut.Render(p => p.Add(c => c.RouteData, new RouteData(typeof(PageA), new Dictionary<string, object?> { ["q"] = "x" })));
        Assert.Single(focus.Invocations);

        cut.Render(p => p.Add(c => c.RouteData, new RouteData(typeof(PageB), new Dictionary<string, object?>())));
        Assert.Equal(2, focus.Invocations.Count);
    }
}
