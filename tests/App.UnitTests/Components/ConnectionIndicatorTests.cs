using App.UnitTests.Infrastructure;
using App.Realtime;
using App.Realtime.Circuits;
using App.Web.Realtime;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace App.UnitTests.Components;

public sealed class ConnectionIndicatorTests : MudComponentTest
{
    [Fact]
    public void Before_the_circuit_connects_it_says_connecting()
    {
        // Prerendering an interactive page: the circuit is on its way.
        Context.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var cut = Context.Render<ConnectionIndicator>(p => p.SetAssignedRenderMode(Microsoft.AspNetCore.Components.Web.RenderMode.InteractiveServer));
        var button = cut.Find("#realtime-indicator");
        Assert.Equal("connecting", button.GetAttribute("data-state"));
        Assert.Equal("Live connection: Connecting...", button.GetAttribute("aria-label"));
    }

    [Fact]
    public void On_a_page_rendered_without_interactivity_it_says_the_page_is_not_live()
    {
        Context.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var cut = Context.Render<ConnectionIndicator>();
        var button = cut.Find("#realtime-indicator");
        Assert.Equal("static", button.GetAttribute("data-state"));
        Assert.Equal("Live connection: Not live on this page", button.GetAttribute("aria-label"));
    }

    [Fact]
    public void Once_interactive_it_says_connected_in_words_not_only_colour()
    {
        Context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var cut = Context.Render<ConnectionIndicator>(p => p.Add(c => c.Class, "extra"));
        var button = cut.Find("#realtime-indicator");
        Assert.Equal("connected", button.GetAttribute("data-state"));
        Assert.Equal("Connected", button.GetAttribute("title"));
        Assert.Equal("Live connection: Connected", button.GetAttribute("aria-label"));
        Assert.Contains("extra", button.ClassName);
        Assert.Equal("button", button.GetAttribute("type"));
    }
}
