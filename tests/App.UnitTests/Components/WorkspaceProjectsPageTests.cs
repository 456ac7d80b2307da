using App.Domain.Common;
using App.Domain.Users;
using App.Domain.Workspaces;
using App.UnitTests.Infrastructure;
using App.Web.Workspaces;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Components;

/// <summary>The projects page when the user loses the workspace while it is open (removed, or disabled): the page
/// says so instead of the circuit dying when a realtime "missed events" reload finds the door closed.</summary>
public sealed class WorkspaceProjectsPageTests(DatabaseFixture fixture) : MudComponentTest, IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_member_removed_meanwhile_sees_that_they_lost_the_workspace()
    {
        var (services, op, owner, member) = await SharedWorkspaceAsync();
        var realtime = await ArrangeAsync(services, member);
        var cut = Context.Render<WorkspaceProjectsPage>(p => p.Add(x => x.Slug, owner.Slug));
        cut.WaitForElement("#projects-table");

        await using (var scope = services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IWorkspaceMembers>().RemoveAsync(op, owner.WorkspaceId, member.UserId);
        realtime.NotifyMissed();

        cut.WaitForAssertion(() => Assert.Contains("no longer a member", cut.Find("#workspace-lost").TextContent));
        Assert.Empty(cut.FindAll("#projects-table"));
    }

    [Fact]
    public async Task A_member_disabled_meanwhile_is_sent_to_sign_in()
    {
        var (services, op, owner, member) = await SharedWorkspaceAsync();
        var realtime = await ArrangeAsync(services, member);
        var cut = Context.Render<WorkspaceProjectsPage>(p => p.Add(x => x.Slug, owner.Slug));
        cut.WaitForElement("#projects-table");

        await services.GetRequiredService<UserAdministration>().SetDisabledAsync(op, member.UserId, true);
        realtime.NotifyMissed();

        var navigation = Context.Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.EndsWith("/Account/Login", navigation.Uri));
        Assert.Contains("disabled", cut.Find("#workspace-lost").TextContent);
    }

    [Fact]
    public async Task After_a_forced_reload_the_dialog_the_user_was_typing_in_reopens_with_their_input()
    {
        var (services, _, owner, member) = await SharedWorkspaceAsync();
        await ArrangeAsync(services, member);
        var dialogs = Context.Render<MudBlazor.MudDialogProvider>();
        // What appDrafts.save kept in sessionStorage (JSON.stringify({ key, fields })), handed over as text.
        const string draft = """{"key":"project:new","fields":{"project-name":"Half typed","project-description":"Not saved yet"}}""";
        var take = Context.JSInterop.Setup<string?>("appDrafts.take").SetResult(draft);

        var cut = Context.Render<WorkspaceProjectsPage>(p => p.Add(x => x.Slug, owner.Slug));

        dialogs.WaitForAssertion(() => Assert.Equal("Half typed", dialogs.Find("#project-name").GetAttribute("value")));
        var description = dialogs.Find("#project-description");
        Assert.Equal("Not saved yet", description.GetAttribute("value") ?? description.TextContent.Trim());
        Assert.NotNull(cut.Instance);
        Assert.Single(take.Invocations); // taken once: a later render does not reopen it
    }

    private Task<WorkspacePageSetup.SharedWorkspace> SharedWorkspaceAsync() => WorkspacePageSetup.SharedWorkspaceAsync(fixture);

    private Task<LiveRealtime> ArrangeAsync(IServiceProvider services, Actor member) => WorkspacePageSetup.ArrangeAsync(Context, services, member);
}
