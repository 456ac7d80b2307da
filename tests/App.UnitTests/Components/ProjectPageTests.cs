using App.Domain.Events;
using App.Domain.Projects;
using App.Realtime.Presence;
using App.UnitTests.Infrastructure;
using App.Web.Workspaces;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Components;

/// <summary>A project's own page, for a member of its workspace: it follows changes others save, says when the
/// project is deleted, names who else is on it, and is itself listed as "viewing" it.</summary>
public sealed class ProjectPageTests(DatabaseFixture fixture) : MudComponentTest, IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Shows_the_project_and_follows_the_changes_others_save()
    {
        var shared = await WorkspacePageSetup.SharedWorkspaceAsync(fixture);
        var projects = shared.Services.GetRequiredService<ProjectService>();
        var project = await projects.CreateAsync(shared.OwnerActor, shared.Owner.WorkspaceId, new ProjectInput("Apollo", "To the moon"));
        var realtime = await WorkspacePageSetup.ArrangeAsync(Context, shared.Services, shared.Member);
        var cut = Context.Render<ProjectPage>(p => p.Add(x => x.Slug, shared.Owner.Slug).Add(x => x.ProjectId, project.Id));
        cut.WaitForAssertion(() => Assert.Equal("Apollo", cut.Find("#project-title").TextContent));
        Assert.Equal("To the moon", cut.Find("#project-description-text").TextContent.Trim());

        var renamed = await projects.UpdateAsync(shared.OwnerActor, project.Id, project.Version, new ProjectInput("Apollo 11", "Landed"));
        await realtime.RaiseAsync(ProjectService.ChangedEvent, renamed, EventScope.Workspace(shared.Owner.WorkspaceId),
            EntityOperation.Updated, entityId: project.Id.ToString());
        cut.WaitForAssertion(() => Assert.Equal("Apollo 11", cut.Find("#project-title").TextContent));
        Assert.Equal("Landed", cut.Find("#project-description-text").TextContent.Trim());

        // An older version arriving late (another instance) does not undo the newer one.
        await realtime.RaiseAsync(ProjectService.ChangedEvent, project, EventScope.Workspace(shared.Owner.WorkspaceId),
            EntityOperation.Updated, entityId: project.Id.ToString());
        Assert.Equal("Apollo 11", cut.Find("#project-title").TextContent);

        await realtime.RaiseAsync(ProjectService.ChangedEvent, renamed, EventScope.Workspace(shared.Owner.WorkspaceId),
            EntityOperation.Deleted, entityId: project.Id.ToString());
        cut.WaitForAssertion(() => Assert.Contains("deleted", cut.Find("#project-deleted").TextContent));
    }

    [Fact]
    public async Task Names_who_else_views_or_edits_it_and_is_present_as_viewing_it()
    {
        var shared = await WorkspacePageSetup.SharedWorkspaceAsync(fixture);
        var projects = shared.Services.GetRequiredService<ProjectService>();
        var project = await projects.CreateAsync(shared.OwnerActor, shared.Owner.WorkspaceId, new ProjectInput("Gemini", ""));
        var other = await projects.CreateAsync(shared.OwnerActor, shared.Owner.WorkspaceId, new ProjectInput("Mercury", ""));
        await WorkspacePageSetup.ArrangeAsync(Context, shared.Services, shared.Member);
        var presence = Context.Services.GetRequiredService<IPresence>();
        var topic = EventScope.Workspace(shared.Owner.WorkspaceId).Key;

        var cut = Context.Render<ProjectPage>(p => p.Add(x => x.Slug, shared.Owner.Slug).Add(x => x.ProjectId, project.Id));
        cut.WaitForAssertion(() => Assert.Equal("Gemini", cut.Find("#project-title").TextContent));
        Assert.Equal("No description.", cut.Find("#project-description-text").TextContent.Trim());
        // The page's own user is present as viewing this project, and not named on their own page.
        await WaitAsync(async () => (await presence.ListAsync(topic)).Entries.Any(e =>
            e.Key == shared.Member.UserId && e.Is(PresenceActivities.Viewing, project.Id.ToString())));
        Assert.Empty(cut.FindAll(".project-presence"));

        await using var ann = await presence.TrackAsync(topic, shared.OwnerActor.UserId,
            new PresenceMeta("Owner", PresenceActivities.Editing, project.Id.ToString()), "c-owner");
        await using var elsewhere = await presence.TrackAsync(topic, "someone", new PresenceMeta("Someone", PresenceActivities.Viewing, other.Id.ToString()), "c-someone");
        cut.WaitForAssertion(() => Assert.Equal(["Owner is editing"], cut.FindAll(".project-presence").Select(e => e.TextContent)));

        await ann.DisposeAsync();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".project-presence")));
    }

    [Fact]
    public async Task A_project_of_another_workspace_under_this_workspace_s_address_is_not_found()
    {
        var shared = await WorkspacePageSetup.SharedWorkspaceAsync(fixture);
        var projects = shared.Services.GetRequiredService<ProjectService>();
        var member = await Accounts.RegisterAsync(shared.Services, "Elsewhere");
        var foreign = await projects.CreateAsync(member.Actor, member.WorkspaceId, new ProjectInput("Not yours", ""));
        await WorkspacePageSetup.ArrangeAsync(Context, shared.Services, shared.Member);

        var cut = Context.Render<ProjectPage>(p => p.Add(x => x.Slug, shared.Owner.Slug).Add(x => x.ProjectId, foreign.Id));

        Assert.Empty(cut.FindAll("#project-title"));
        Assert.DoesNotContain("Not yours", cut.Markup);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met within 5 s");
            await Task.Delay(20);
        }
    }
}
