using System.Security.Claims;
using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Persistence;
using App.Domain.Workspaces;
using App.UnitTests.Infrastructure;
using App.Web.Realtime;
using App.Web.Workspaces;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace App.UnitTests.Components;

/// <summary>The members page and the invite page against the SQLite database: what an owner, a member and a link
/// holder see and can do.</summary>
public sealed class WorkspaceMembersPageTests(DatabaseFixture fixture) : MudComponentTest, IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task An_owner_creates_a_link_sees_it_pending_and_is_told_about_an_existing_member()
    {
        var services = await fixture.ServicesAsync(DatabaseFixture.Sqlite);
        var owner = await Accounts.RegisterAsync(services, "Owner Page");
        await ArrangeAsync(services, owner.Actor);
        var cut = Context.Render<WorkspaceMembersPage>(p => p.Add(x => x.Slug, owner.Slug));
        cut.WaitForElement("#invite-create");
        // The only owner is not offered a Leave that would be refused.
        Assert.Empty(cut.FindAll("#member-leave"));
        Assert.Equal("Make someone else owner to leave", cut.Find("#member-last-owner").TextContent);

        cut.Find("#invite-email").Input("new.person@example.test");
        await cut.Find("#invite-create").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Matches("^http://localhost/invite/[A-Za-z0-9_-]{43}$", cut.Find("#invite-link").GetAttribute("value")));
        Assert.Contains("Send this link to new.person@example.test.", cut.Find("#invite-created").TextContent);
        Assert.Equal(["new.person@example.test"], cut.FindAll(".invite-email").Select(e => e.TextContent).ToArray());

        cut.Find("#invite-email").Input(await EmailOfAsync(services, owner.Actor.UserId));
        await cut.Find("#invite-create").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("is already a member of Owner Page.", cut.Markup));
        Assert.Empty(cut.FindAll("#invite-link")); // the earlier link is not left on screen for another address
    }

    [Fact]
    public async Task A_member_sees_no_owner_controls_and_learns_at_once_when_removed()
    {
        var services = await fixture.ServicesAsync(DatabaseFixture.Sqlite);
        var owner = await Accounts.RegisterAsync(services, "Owner Two");
        var member = await Accounts.RegisterAsync(services, "Member Two");
        var sharing = services.GetRequiredService<WorkspaceSharing>();
        var invite = await sharing.InviteAsync(owner.Actor, owner.WorkspaceId, await EmailOfAsync(services, member.Actor.UserId));
        await sharing.AcceptAsync(member.Actor, invite.Token);
        var realtime = await ArrangeAsync(services, member.Actor);
        var cut = Context.Render<WorkspaceMembersPage>(p => p.Add(x => x.Slug, owner.Slug));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".member-name").Count));

        Assert.Empty(cut.FindAll("#invite-create"));
        Assert.Empty(cut.FindAll(".member-remove"));
        Assert.Single(cut.FindAll("#member-leave"));

        await sharing.RemoveMemberAsync(owner.Actor, owner.WorkspaceId, member.Actor.UserId);
        await cut.InvokeAsync(() => realtime.RaiseAsync(WorkspaceMembers.ChangedEvent,
            new MembershipChange(owner.WorkspaceId, member.Actor.UserId, "", WorkspaceRole.Member, false),
            EventScope.Workspace(owner.WorkspaceId), EntityOperation.Deleted));

        cut.WaitForAssertion(() => Assert.Equal("You are no longer a member of Owner Two.", cut.Find("#workspace-lost").TextContent));
        Assert.Empty(cut.FindAll(".member-name"));
    }

    [Fact]
    public async Task The_invite_page_offers_sign_in_that_comes_back_and_explains_a_bad_link()
    {
        var services = await fixture.ServicesAsync(DatabaseFixture.Sqlite);
        var owner = await Accounts.RegisterAsync(services, "Owner Three");
        var invite = await services.GetRequiredService<WorkspaceSharing>().InviteAsync(owner.Actor, owner.WorkspaceId, "guest@example.test");
        var realtime = LiveRealtime.AddTo(Context);
        Context.Services.AddSingleton(services.GetRequiredService<WorkspaceSharing>());
        await realtime.OpenAsync();

        var cut = Context.Render<InvitePage>(p => p.Add(x => x.Token, invite.Token));
        Assert.Equal("Owner Three invited guest@example.test to join Owner Three.", cut.Find("#invite-summary").TextContent.Trim());
        Assert.Equal($"/Account/Login?ReturnUrl={Uri.EscapeDataString("/invite/" + invite.Token)}", cut.Find("#invite-sign-in").GetAttribute("href"));
        Assert.Empty(cut.FindAll("#invite-accept"));

        var bad = Context.Render<InvitePage>(p => p.Add(x => x.Token, "nonsense"));
        Assert.StartsWith("This invite link is not valid.", bad.Find("#invite-error").TextContent);
    }

    private async Task<LiveRealtime> ArrangeAsync(IServiceProvider services, Actor viewer)
    {
        var realtime = LiveRealtime.AddWithWorkspaces(Context);
        Context.Services.AddSingleton(services.GetRequiredService<WorkspaceDirectory>());
        Context.Services.AddSingleton(services.GetRequiredService<WorkspaceSharing>());
        await realtime.SignInAsync(viewer.UserId, "viewer");
        Context.Render<MudPopoverProvider>();
        return realtime;
    }

    private static async Task<string> EmailOfAsync(IServiceProvider services, string userId)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.Email!).SingleAsync();
    }
}
