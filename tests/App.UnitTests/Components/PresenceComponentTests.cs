using System.Security.Claims;
using App.Domain.Events;
using App.Domain.Workspaces;
using App.Realtime;
using App.Realtime.Circuits;
using App.Realtime.Presence;
using App.UnitTests.Infrastructure;
using App.UnitTests.Realtime.Presence;
using App.Web.Auth;
using App.Web.Shell;
using App.Web.Workspaces;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace App.UnitTests.Components;

/// <summary>The library's <see cref="PresenceList"/> and the app's <see cref="OnlineNow"/> on the real realtime layer
/// (in-memory presence): what the circuit's user sees as others come and go.</summary>
public sealed class PresenceComponentTests : MudComponentTest
{
    private static readonly Guid WorkspaceId = Guid.Parse("8e0f8f5e-3c55-4a52-9e7e-1d0f3a1c0b11");
    private static readonly string Topic = EventScope.Workspace(WorkspaceId).Key;
    private readonly LiveRealtime realtime;

    public PresenceComponentTests() => realtime = LiveRealtime.AddWithTopics(Context, Topic);

    private IPresence Presence => Context.Services.GetRequiredService<IPresence>();

    [Fact]
    public async Task PresenceList_tracks_this_circuit_shows_others_as_they_come_and_go_and_leaves_when_disposed()
    {
        await realtime.SignInAsync("ann", "Ann");
        var cut = Context.Render<PresenceList>(p => p
            .Add(c => c.Topic, Topic)
            .Add(c => c.Key, "ann")
            .Add(c => c.Meta, new PresenceMeta("Ann"))
            .Add(c => c.ChildContent, s => $"<span id='names'>{string.Join(", ", s.Entries.Select(e => e.Name))}</span>"));
        cut.WaitForAssertion(() => Assert.Equal("Ann", cut.Find("#names").TextContent));

        var bobTab1 = await Presence.TrackAsync(Topic, "bob", new PresenceMeta("Bob"), "c-bob-1");
        await using var bobTab2 = await Presence.TrackAsync(Topic, "bob", new PresenceMeta("Bob"), "c-bob-2");
        await using var elsewhere = await Presence.TrackAsync("workspace:other", "eve", new PresenceMeta("Eve"), "c-eve");
        cut.WaitForAssertion(() => Assert.Equal("Ann, Bob", cut.Find("#names").TextContent));
        await bobTab1.DisposeAsync();
        await Task.Delay(50);
        Assert.Equal("Ann, Bob", cut.Find("#names").TextContent);

        await Context.DisposeComponentsAsync();
        Assert.Equal(["Bob"], (await Presence.ListAsync(Topic)).Entries.Select(e => e.Name));
    }

    [Fact]
    public async Task PresenceList_disposed_while_its_join_is_on_its_way_leaves_once_the_join_lands()
    {
        // The circuit's presence goes through a store call that the test holds (a slow Redis, say).
        PausedTrackPresence? paused = null;
        Context.Services.AddScoped(sp => new CircuitPresence(paused = new PausedTrackPresence(sp.GetRequiredService<IPresence>()),
            sp.GetRequiredService<IRealtimeCircuit>(), sp.GetRequiredService<ILogger<CircuitPresence>>()));
        await realtime.SignInAsync("ann", "Ann");
        Context.Render<PresenceList>(p => p.Add(c => c.Topic, Topic).Add(c => c.Key, "ann").Add(c => c.Meta, new PresenceMeta("Ann")));
        await paused!.Entered.Task;

        var disposing = Context.DisposeComponentsAsync();
        paused.Release.SetResult();
        await paused.Landed.Task;
        await disposing;

        // The join landed after the list was gone: it is taken out again at once (not left to stay online).
        await WaitAsync(() => Presence.ListAsync(Topic).Result.Entries.Count == 0);
    }

    [Fact]
    public async Task PresenceList_without_a_key_only_watches()
    {
        await realtime.SignInAsync("ann", "Ann");
        PresenceState? seen = null;
        Context.Render<PresenceList>(p => p.Add(c => c.Topic, Topic).Add(c => c.OnChange, s => { seen = s; }));
        await using var bob = await Presence.TrackAsync(Topic, "bob", new PresenceMeta("Bob", PresenceActivities.Editing, "p1"), "c-bob");

        await WaitAsync(() => seen?.Count == 1);
        Assert.True(seen!.Entries.Single().Is(PresenceActivities.Editing, "p1"));
        Assert.Equal(["Bob"], (await Presence.ListAsync(Topic)).Entries.Select(e => e.Name));
    }

    [Fact]
    public async Task OnlineNow_shows_initials_a_count_and_names_and_hides_when_the_user_is_removed()
    {
        await realtime.SignInAsync("ann", "Ann Lee");
        var cut = Context.Render<OnlineNow>(p => p.AddCascadingValue(ShellFor("ann", "Ann Lee")));
        cut.WaitForAssertion(() => Assert.Equal("Online now: Ann Lee", cut.Find("#presence-online").GetAttribute("aria-label")));
        Assert.Equal(["AL"], cut.FindAll(".presence-avatar").Select(a => a.TextContent.Trim()));

        await using var bob = await Presence.TrackAsync(Topic, "bob", new PresenceMeta("bob"), "c-bob");
        cut.WaitForAssertion(() => Assert.Equal("Online now: Ann Lee, bob", cut.Find("#presence-online").GetAttribute("aria-label")));
        Assert.Equal(["AL", "B"], cut.FindAll(".presence-avatar").Select(a => a.TextContent.Trim()));
        Assert.Equal("2", cut.Find(".presence-count").TextContent);

        // Someone else's removal changes nothing here; Ann's own hides the widget and takes her out of the list.
        await realtime.RaiseAsync(WorkspaceMembers.ChangedEvent, Removal("carol"), EventScope.Workspace(WorkspaceId));
        Assert.Single(cut.FindAll("#presence-online"));
        await realtime.RaiseAsync(WorkspaceMembers.ChangedEvent, Removal("ann"), EventScope.Workspace(WorkspaceId));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#presence-online")));
        await WaitAsync(() => Presence.ListAsync(Topic).Result.Entries.Select(e => e.Key).SequenceEqual(["bob"]));
    }

    [Fact]
    public async Task OnlineNow_hidden_after_a_removal_shows_again_in_another_workspace()
    {
        await realtime.SignInAsync("ann", "Ann Lee");
        var shell = ShellFor("ann", "Ann Lee");
        var cut = Context.Render<ShellContextHost>(p => p.Add(c => c.Shell, shell));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#presence-online")));
        await realtime.RaiseAsync(WorkspaceMembers.ChangedEvent, Removal("ann"), EventScope.Workspace(WorkspaceId));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#presence-online")));

        // The same widget (it lives in the shell across navigation) on a page of another workspace.
        cut.Render(p => p.Add(c => c.Shell, shell with
        {
            Path = "/w/other/projects", WorkspaceSlug = "other",
            Workspace = new WorkspaceSummary(Guid.NewGuid(), "other", "Other", WorkspaceKind.Shared, WorkspaceRole.Member),
        }));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#presence-online")));
    }

    /// <summary>The shell's cascading page context around one OnlineNow, as the layout holds it across navigation.</summary>
    private sealed class ShellContextHost : ComponentBase
    {
        [Parameter] public ShellContext Shell { get; set; } = default!;

        protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder)
        {
            builder.OpenComponent<CascadingValue<ShellContext>>(0);
            builder.AddComponentParameter(1, nameof(CascadingValue<ShellContext>.Value), Shell);
            builder.AddComponentParameter(2, nameof(CascadingValue<ShellContext>.ChildContent), (RenderFragment)(b =>
            {
                b.OpenComponent<OnlineNow>(0);
                b.CloseComponent();
            }));
            builder.CloseComponent();
        }
    }

    [Fact]
    public async Task OnlineNow_renders_nothing_outside_a_workspace()
    {
        await realtime.SignInAsync("ann", "Ann");
        var cut = Context.Render<OnlineNow>(p => p.AddCascadingValue(ShellFor("ann", "Ann") with { Workspace = null }));
        Assert.Empty(cut.FindAll("#presence-online"));
        Assert.Empty((await Presence.ListAsync(Topic)).Entries);
    }

    [Theory]
    [InlineData("Ann Lee", "AL")]
    [InlineData("bob", "B")]
    [InlineData("  Mary  Jane  Watson ", "MW")]
    public void Initials_take_the_first_and_last_word(string name, string initials) =>
        Assert.Equal(initials, OnlineNowLabel.Initials(name));

    private static MembershipChange Removal(string userId) =>
        new(WorkspaceId, userId, $"{userId}@example.test", WorkspaceRole.Member, IsMember: false);

    private static ShellContext ShellFor(string userId, string name)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userId), new Claim(AppClaims.DisplayName, name)], "test"));
        return ShellContext.For("/w/team/projects", user) with
        {
            Workspace = new WorkspaceSummary(WorkspaceId, "team", "Team", WorkspaceKind.Personal, WorkspaceRole.Member),
        };
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
