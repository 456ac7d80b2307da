using App.Domain.Console;
using App.Domain.Events;
using App.Realtime;
using App.UnitTests.Components;
using App.UnitTests.Infrastructure;
using App.Web.Console;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Console;

/// <summary>The console's live tail: every event is a row, and on a phone (cards) the latest
/// <see cref="ConsoleRealtime.PhoneRows"/> until the operator asks for all of them.</summary>
public sealed class ConsoleRealtimeTests(DatabaseFixture fixture) : MudComponentTest, IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_long_tail_offers_to_show_every_event_and_a_short_one_does_not()
    {
        var shared = await WorkspacePageSetup.SharedWorkspaceAsync(fixture);
        Context.Services.AddSingleton(shared.Services.GetRequiredService<DemoPings>());
        Context.Services.AddSingleton(shared.Services.GetRequiredService<ConsoleDirectory>());
        await WorkspacePageSetup.ArrangeAsync(Context, shared.Services, shared.Operator);
        var tail = Context.Services.GetRequiredService<RealtimeTail>();
        for (var i = 1; i <= ConsoleRealtime.PhoneRows; i++) tail.Add(Ping(i));

        var cut = Context.Render<ConsoleRealtime>();
        Assert.Equal(ConsoleRealtime.PhoneRows, cut.FindAll("#realtime-tail tbody tr").Count);
        Assert.Empty(cut.FindAll("#tail-show-all"));

        for (var i = ConsoleRealtime.PhoneRows + 1; i <= 30; i++) tail.Add(Ping(i));
        cut.WaitForAssertion(() => Assert.Equal(30, cut.FindAll("#realtime-tail tbody tr").Count), TimeSpan.FromSeconds(5));
        Assert.DoesNotContain("tail-all", cut.Find("#realtime-tail").ClassList);
        Assert.Equal("Show all 30 events", cut.Find("#tail-show-all").TextContent.Trim());

        // MudButton runs its OnClick asynchronously: the page shows the outcome once that has run.
        cut.Find("#tail-show-all").Click();
        cut.WaitForAssertion(() =>
        {
            Assert.Contains("tail-all", cut.Find("#realtime-tail").ClassList);
            Assert.Empty(cut.FindAll("#tail-show-all"));
        });
    }

    private static RealtimeEvent Ping(int n) => new()
    {
        Name = DemoPings.Event, Topic = EventScope.Global.Key, Sequence = n, OccurredAt = DateTimeOffset.UtcNow,
        Payload = RealtimePayload.Snapshot(new { message = $"ping {n}" }, DemoPings.Event),
    };
}
