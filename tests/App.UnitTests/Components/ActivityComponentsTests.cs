using System.Security.Claims;
using App.Domain.Activity;
using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Projects;
using App.Domain.Workspaces;
using App.UnitTests.Infrastructure;
using App.Web.Realtime;
using App.Web.Workspaces;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;

namespace App.UnitTests.Components;

/// <summary>Relative times, the activity feed and the toasts for other people's changes, as rendered.</summary>
public sealed class ActivityComponentsTests(DatabaseFixture fixture) : MudComponentTest, IClassFixture<DatabaseFixture>
{
    private static readonly DateTime Now = new(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_relative_time_reads_naturally_and_shows_the_exact_time_on_hover()
    {
        var cut = Context.Render<RelativeTime>(p => p.Add(x => x.At, Now.AddMinutes(-2)).Add(x => x.Now, Now));
        var time = cut.Find("time");
        Assert.Equal("2 minutes ago", time.TextContent);
        Assert.Equal("2026-12-02 09:58:00 UTC", time.GetAttribute("title"));

        cut.Render(p => p.Add(x => x.Now, Now.AddHours(3)));
        Assert.Equal("3 hours ago", cut.Find("time").TextContent);
        cut.Render(p => p.Add(x => x.Now, Now.AddMinutes(-3))); // a clock slightly behind the writer's
        Assert.Equal("just now", cut.Find("time").TextContent);
    }

    [Fact]
    public async Task The_feed_shows_the_newest_page_adds_live_lines_once_and_pages_back()
    {
        var services = await fixture.ServicesAsync(DatabaseFixture.Sqlite);
        var ana = await Accounts.RegisterAsync(services, "Ana Feed");
        var projects = services.GetRequiredService<ProjectService>();
        for (var i = 1; i <= ActivityFeed.PageSize + 1; i++)
            await projects.CreateAsync(ana.Actor, ana.WorkspaceId, new ProjectInput($"P{i}", ""));
        var realtime = await ArrangeAsync(services, ana.Actor);

        var cut = Context.Render<ActivityFeed>(p => p.Add(x => x.WorkspaceId, ana.WorkspaceId).Add(x => x.Actor, ana.Actor));
        cut.WaitForAssertion(() => Assert.Equal(ActivityFeed.PageSize, cut.FindAll(".activity-item").Count));
        Assert.Equal("Activity", cut.Find("section").GetAttribute("aria-label"));
        Assert.Equal($"Ana Feed created P{ActivityFeed.PageSize + 1}", cut.Find(".activity-sentence").TextContent);

        // A line arrives live (and again, as a duplicate delivery): it is shown once, on top.
        var created = await projects.CreateAsync(ana.Actor, ana.WorkspaceId, new ProjectInput("Live one", ""));
        var line = (await services.GetRequiredService<WorkspaceActivity>().ListAsync(ana.Actor, ana.WorkspaceId, 0, 1)).Items.Single();
        for (var i = 0; i < 2; i++)
            await cut.InvokeAsync(() => realtime.RaiseAsync(WorkspaceActivity.AddedEvent, line, EventScope.Workspace(ana.WorkspaceId), EntityOperation.Created));
        Assert.Equal("Ana Feed created Live one", cut.Find(".activity-sentence").TextContent);
        Assert.Equal(ActivityFeed.PageSize + 1, cut.FindAll(".activity-item").Count);
        // Another workspace's line is not this feed's.
        await cut.InvokeAsync(() => realtime.RaiseAsync(WorkspaceActivity.AddedEvent, line with { Id = Guid.NewGuid() }, EventScope.Workspace(Guid.NewGuid())));
        Assert.Equal(ActivityFeed.PageSize + 1, cut.FindAll(".activity-item").Count);

        // Older lines: the page shifted by the live one, nothing is repeated or lost.
        cut.Find("#activity-older").Click();
        cut.WaitForAssertion(() => Assert.Equal(ActivityFeed.PageSize + 2, cut.FindAll(".activity-item").Count));
        Assert.Equal("Ana Feed created P1", cut.FindAll(".activity-sentence")[^1].TextContent);
        Assert.Empty(cut.FindAll("#activity-older"));
        Assert.Equal(cut.FindAll(".activity-item").Count, cut.FindAll(".activity-sentence").Select(e => e.TextContent).Distinct().Count());
    }

    [Fact]
    public async Task Relative_times_in_the_feed_stay_true_while_the_page_stays_open()
    {
        var services = await fixture.ServicesAsync(DatabaseFixture.Sqlite);
        var ana = await Accounts.RegisterAsync(services, "Ana Clock");
        var realtime = await ArrangeAsync(services, ana.Actor);
        var time = (FakeTimeProvider)Context.Services.GetRequiredService<TimeProvider>();
        var cut = Context.Render<ActivityFeed>(p => p.Add(x => x.WorkspaceId, ana.WorkspaceId).Add(x => x.Actor, ana.Actor));
        var line = new ActivityItem(Guid.NewGuid(), ana.WorkspaceId, Now, "u", "Ben", ActivityKinds.ProjectClosed, "Apollo", "");
        await cut.InvokeAsync(() => realtime.RaiseAsync(WorkspaceActivity.AddedEvent, line, EventScope.Workspace(ana.WorkspaceId)));
        Assert.Equal("just now", cut.Find(".activity-time time").TextContent);

        time.Advance(TimeSpan.FromMinutes(2));

        cut.WaitForAssertion(() => Assert.Equal("2 minutes ago", cut.Find(".activity-time time").TextContent));
    }

    [Theory]
    [InlineData("toasts")]
    [InlineData("feed with toasts")]
    public async Task Other_peoples_changes_raise_a_toast_and_this_tabs_own_do_not(string component)
    {
        var services = await fixture.ServicesAsync(DatabaseFixture.Sqlite);
        var ana = await Accounts.RegisterAsync(services, "Ana Toast");
        var realtime = await ArrangeAsync(services, ana.Actor);
        var snackbars = Context.Render<MudSnackbarProvider>();
        if (component == "toasts") Context.Render<ActivityToasts>(p => p.Add(x => x.WorkspaceId, ana.WorkspaceId));
        else Context.Render<ActivityFeed>(p => p.Add(x => x.WorkspaceId, ana.WorkspaceId).Add(x => x.Actor, ana.Actor).Add(x => x.Toasts, true));
        var scope = EventScope.Workspace(ana.WorkspaceId);
        ActivityItem Line(string who, string what) =>
            new(Guid.NewGuid(), ana.WorkspaceId, Now, "u", who, ActivityKinds.ProjectClosed, what, "");

        await snackbars.InvokeAsync(() => realtime.RaiseAsync(WorkspaceActivity.AddedEvent, Line("Ana Toast", "Mine"), scope, origin: realtime.OriginId));
        await snackbars.InvokeAsync(() => realtime.RaiseAsync(WorkspaceActivity.AddedEvent, Line("Ben", "Elsewhere"), EventScope.Workspace(Guid.NewGuid()), origin: "other"));
        await snackbars.InvokeAsync(() => realtime.RaiseAsync(WorkspaceActivity.AddedEvent, Line("Ben", "Apollo"), scope, origin: "other-circuit"));

        snackbars.WaitForAssertion(() => Assert.Equal(["Ben closed Apollo"], snackbars.FindAll(".mud-snackbar-content-message").Select(e => e.TextContent).ToList()));
    }

    [Fact]
    public async Task A_feed_without_toasts_raises_none()
    {
        var services = await fixture.ServicesAsync(DatabaseFixture.Sqlite);
        var ana = await Accounts.RegisterAsync(services, "Ana Quiet");
        var realtime = await ArrangeAsync(services, ana.Actor);
        var snackbars = Context.Render<MudSnackbarProvider>();
        var feed = Context.Render<ActivityFeed>(p => p.Add(x => x.WorkspaceId, ana.WorkspaceId).Add(x => x.Actor, ana.Actor));
        var line = new ActivityItem(Guid.NewGuid(), ana.WorkspaceId, Now, "u", "Ben", ActivityKinds.ProjectClosed, "Apollo", "");

        await snackbars.InvokeAsync(() => realtime.RaiseAsync(WorkspaceActivity.AddedEvent, line, EventScope.Workspace(ana.WorkspaceId), origin: "other-circuit"));

        feed.WaitForAssertion(() => Assert.Contains("Ben closed Apollo", feed.Find(".activity-list").TextContent));
        Assert.Empty(snackbars.FindAll(".mud-snackbar-content-message"));
    }

    private async Task<LiveRealtime> ArrangeAsync(IServiceProvider services, Actor viewer)
    {
        var realtime = LiveRealtime.AddWithWorkspaces(Context);
        Context.Services.AddSingleton(services.GetRequiredService<WorkspaceDirectory>());
        Context.Services.AddSingleton(services.GetRequiredService<WorkspaceActivity>());
        Context.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        await realtime.SignInAsync(viewer.UserId, "viewer");
        Context.Render<MudPopoverProvider>();
        return realtime;
    }
}
