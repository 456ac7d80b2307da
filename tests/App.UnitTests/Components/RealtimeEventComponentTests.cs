using App.UnitTests.Infrastructure;
using App.Web.Realtime;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Components;

public sealed class RealtimeEventComponentTests : MudComponentTest
{
    private readonly FakeRealtime realtime = new();

    public RealtimeEventComponentTests() => Context.Services.AddSingleton<IRealtimeEvents>(realtime);

    [Fact]
    public async Task Events_reach_the_declaring_component_and_re_render_it()
    {
        var cut = Context.Render<RealtimeCounter>(p => p.Add(c => c.Event, "demo.ping"));

        await cut.InvokeAsync(() => realtime.RaiseAsync("demo.ping"));
        await cut.InvokeAsync(() => realtime.RaiseAsync("other.event"));

        Assert.Equal("1", cut.Find("#count").TextContent);
        Assert.Equal("demo.ping", cut.Find("#last").TextContent);
    }

    [Fact]
    public async Task Omitting_Event_subscribes_to_everything_and_Matches_filters()
    {
        var cut = Context.Render<RealtimeCounter>(p => p.Add(c => c.Matches, e => e.Event.StartsWith("keep.")));

        Assert.Equal("*", realtime.Active.Single().EventName);
        await cut.InvokeAsync(() => realtime.RaiseAsync("keep.this"));
        await cut.InvokeAsync(() => realtime.RaiseAsync("drop.this"));
        Assert.Equal("1", cut.Find("#count").TextContent);
    }

    [Fact]
    public void Changing_Event_or_Enabled_re_subscribes_and_other_renders_do_not()
    {
        var cut = Context.Render<RealtimeCounter>(p => p.Add(c => c.Event, "a.one"));
        cut.Render(p => p.Add(c => c.Event, "a.one").Add(c => c.Matches, _ => true));
        Assert.Single(realtime.Subscriptions);

        cut.Render(p => p.Add(c => c.Event, "a.two"));
        Assert.Equal(["a.two"], realtime.Active.Select(s => s.EventName));

        cut.Render(p => p.Add(c => c.Event, "a.two").Add(c => c.Enabled, false));
        Assert.Empty(realtime.Active);

        cut.Render(p => p.Add(c => c.Event, "a.two").Add(c => c.Enabled, true));
        Assert.Single(realtime.Active);
        Assert.Equal(3, realtime.Subscriptions.Count);
    }

    [Fact]
    public async Task Disposing_the_component_ends_the_subscription()
    {
        var cut = Context.Render<RealtimeCounter>(p => p.Add(c => c.Event, "a.one"));
        await Context.DisposeComponentsAsync();
        Assert.Empty(realtime.Active);
        Assert.True(realtime.Subscriptions.Single().Disposed);
    }
}
