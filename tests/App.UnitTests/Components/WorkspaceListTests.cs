using System.Security.Claims;
using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Workspaces;
using App.UnitTests.Infrastructure;
using App.Web.Realtime;
using App.Web.Workspaces;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Components;

/// <summary>The home page's workspace list and the shell switcher follow the user's memberships live: a membership
/// change published to the user re-reads the list; one for somebody else does nothing.</summary>
public sealed class WorkspaceListTests(DatabaseFixture fixture) : MudComponentTest, IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task The_list_gains_a_workspace_when_the_user_joins_one_and_loses_it_when_removed()
    {
        var (services, owner, guest, realtime) = await ArrangeAsync();
        var cut = Context.Render<WorkspaceList>();
        cut.WaitForAssertion(() => Assert.Equal(["Gina Guest"], Names(cut)));

        var sharing = services.GetRequiredService<WorkspaceSharing>();
        var invite = await sharing.InviteAsync(owner.Actor, owner.WorkspaceId, await EmailOfAsync(services, guest.UserId));
        await sharing.AcceptAsync(guest, invite.Token);
        await cut.InvokeAsync(() => realtime.RaiseAsync(WorkspaceMembers.ChangedEvent, scope: EventScope.User("someone-else")));
        Assert.Equal(["Gina Guest"], Names(cut));
        await cut.InvokeAsync(() => realtime.RaiseAsync(WorkspaceMembers.ChangedEvent, scope: EventScope.User(guest.UserId)));
        cut.WaitForAssertion(() => Assert.Equal(["Gina Guest", "Owen Owner"], Names(cut)));
        Assert.Contains("member", cut.FindAll(".workspace-list-item")[1].TextContent);

        await sharing.RemoveMemberAsync(owner.Actor, owner.WorkspaceId, guest.UserId);
        await cut.InvokeAsync(() => realtime.RaiseAsync(WorkspaceMembers.ChangedEvent, scope: EventScope.User(guest.UserId)));
        cut.WaitForAssertion(() => Assert.Equal(["Gina Guest"], Names(cut)));
    }

    [Fact]
    public async Task The_subscription_ends_with_the_component()
    {
        var (_, _, _, realtime) = await ArrangeAsync();
        var cut = Context.Render<WorkspaceList>();
        cut.WaitForAssertion(() => Assert.Equal(1, realtime.SubscriptionCount));
        await Context.DisposeComponentsAsync();
        Assert.Equal(0, realtime.SubscriptionCount);
    }

    private static string[] Names(IRenderedComponent<WorkspaceList> cut) =>
        cut.FindAll(".workspace-list-name").Select(e => e.TextContent).ToArray();

    private async Task<(IServiceProvider, (Actor Actor, string Slug, Guid WorkspaceId), Actor, LiveRealtime)> ArrangeAsync()
    {
        var services = await fixture.ServicesAsync(DatabaseFixture.Sqlite);
        var owner = await Accounts.RegisterAsync(services, "Owen Owner");
        var guest = await Accounts.RegisterAsync(services, "Gina Guest");
        var realtime = LiveRealtime.AddWithWorkspaces(Context);
        Context.Services.AddSingleton(services.GetRequiredService<WorkspaceDirectory>());
        await realtime.SignInAsync(guest.Actor.UserId, "guest");
        Context.Render<MudBlazor.MudPopoverProvider>();
        return (services, owner, guest.Actor, realtime);
    }

    private static async Task<string> EmailOfAsync(IServiceProvider services, string userId)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<App.Domain.Persistence.AppDbContext>>().CreateDbContextAsync();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.Email!).SingleAsync();
    }
}
