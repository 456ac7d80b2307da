using App.Realtime;
using App.Realtime.Circuits;
using App.UnitTests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Components;

/// <summary><see cref="RealtimeSubscription"/> on the real realtime layer: routing, filters, re-subscribing,
/// disposal and missed notices, as a circuit sees them.</summary>
public sealed class RealtimeSubscriptionComponentTests : MudComponentTest
{
    private readonly LiveRealtime realtime;

    public RealtimeSubscriptionComponentTests() => realtime = LiveRealtime.AddTo(Context);

    private async Task<IRenderedComponent<RealtimeCounter>> RenderAsync(Action<ComponentParameterCollectionBuilder<RealtimeCounter>> parameters)
    {
        await realtime.OpenAsync();
        return Context.Render(parameters);
    }

    [Fact]
    public async Task Events_reach_the_declaring_component_and_re_render_it()
    {
        var cut = await RenderAsync(p => p.Add(c => c.Name, "demo.ping"));

        realtime.Publish("other.event");
        realtime.Publish("demo.ping");

        cut.WaitForAssertion(() => Assert.Equal("demo.ping", cut.Find("#last").TextContent));
        Assert.Equal("1", cut.Find("#count").TextContent);
    }

    [Fact]
    public async Task Omitting_Name_subscribes_to_everything_and_Matches_filters()
    {
        var cut = await RenderAsync(p => p.Add(c => c.Matches, e => e.Name.StartsWith("keep.")));

        realtime.Publish("keep.this");
        realtime.Publish("drop.this");
        realtime.Publish("keep.that");

        cut.WaitForAssertion(() => Assert.Equal("keep.that", cut.Find("#last").TextContent));
        Assert.Equal("2", cut.Find("#count").TextContent);
    }

    [Fact]
    public async Task Events_outside_the_users_topics_never_arrive()
    {
        var cut = await RenderAsync(p => p.Add(c => c.Name, "demo.ping"));

        realtime.Publish("demo.ping", topic: "workspace:someone-elses");
        realtime.Publish("demo.ping", topic: RealtimeTopics.User("someone-else"));
        realtime.Publish("demo.ping", new { last = true });

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("#count").TextContent));
        await Task.Delay(100);
        Assert.Equal("1", cut.Find("#count").TextContent);
    }

    [Fact]
    public async Task Changing_Name_or_Enabled_subscribes_again()
    {
        var cut = await RenderAsync(p => p.Add(c => c.Name, "a.one"));
        cut.Render(p => p.Add(c => c.Name, "a.one").Add(c => c.Matches, _ => true));
        Assert.Equal(1, SubscriptionCount());

        cut.Render(p => p.Add(c => c.Name, "a.two"));
        realtime.Publish("a.one");
        realtime.Publish("a.two");
        cut.WaitForAssertion(() => Assert.Equal("a.two", cut.Find("#last").TextContent));
        Assert.Equal("1", cut.Find("#count").TextContent);
        Assert.Equal(1, SubscriptionCount());

        cut.Render(p => p.Add(c => c.Name, "a.two").Add(c => c.Enabled, false));
        Assert.Equal(0, SubscriptionCount());

        cut.Render(p => p.Add(c => c.Name, "a.two").Add(c => c.Enabled, true));
        Assert.Equal(1, SubscriptionCount());
    }

    [Fact]
    public async Task Disposing_the_component_ends_the_subscription()
    {
        await RenderAsync(p => p.Add(c => c.Name, "a.one"));
        Assert.Equal(1, SubscriptionCount());
        await Context.DisposeComponentsAsync();
        Assert.Equal(0, SubscriptionCount());
    }

    [Fact]
    public async Task Only_a_subscription_that_asks_for_it_hears_about_missed_events()
    {
        var plain = await RenderAsync(p => p.Add(c => c.Name, "*"));
        var asking = Context.Render<RealtimeCounter>(p => p.Add(c => c.Name, "*").Add(c => c.HearMissed, true));

        realtime.NotifyMissed();

        asking.WaitForAssertion(() => Assert.Equal("1", asking.Find("#missed").TextContent));
        Assert.Equal("0", plain.Find("#count").TextContent);
        Assert.Equal("0", asking.Find("#count").TextContent);
    }

    private int SubscriptionCount() =>
        realtime.Audience.Connections.OfType<CircuitConnection>().SingleOrDefault()?.SubscriptionCount ?? 0;
}
