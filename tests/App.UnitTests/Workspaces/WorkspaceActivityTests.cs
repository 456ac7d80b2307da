using System.Text.Json;
using App.Domain.Activity;
using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Persistence;
using App.Domain.Projects;
using App.Domain.Workspaces;
using App.UnitTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Workspaces;

/// <summary>Who changed what, against SQLite and the real MariaDB: every project row names its last editor, and the
/// workspace feed records project and membership changes with actor and time, a page at a time, members only.</summary>
public sealed class WorkspaceActivityTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Project_changes_and_membership_changes_are_in_the_feed_with_their_actor(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var projects = services.GetRequiredService<ProjectService>();
        var activity = services.GetRequiredService<WorkspaceActivity>();
        var sharing = services.GetRequiredService<WorkspaceSharing>();
        var ana = await Accounts.RegisterAsync(services, "Ana Lead");
        var ben = await Accounts.RegisterAsync(services, "Ben Helper");
        var invite = await sharing.InviteAsync(ana.Actor, ana.WorkspaceId, await EmailOfAsync(services, ben.Actor.UserId));
        await sharing.AcceptAsync(ben.Actor, invite.Token);
        using var recorded = new RecordedEvents(services.GetRequiredService<IDomainEvents>());

        var created = await projects.CreateAsync(ana.Actor, ana.WorkspaceId, new ProjectInput("Apollo", ""));
        var renamed = await projects.UpdateAsync(ben.Actor, created.Id, created.Version, new ProjectInput("Apollo 11", "Moon"));
        var closed = await projects.CloseAsync(ben.Actor, created.Id, renamed.Version);
        var listed = Assert.Single(await projects.ListAsync(ana.Actor, ana.WorkspaceId));
        await projects.DeleteAsync(ana.Actor, created.Id, closed.Version);
        await sharing.RemoveMemberAsync(ana.Actor, ana.WorkspaceId, ben.Actor.UserId);

        Assert.Equal(("Ana Lead", ana.Actor.UserId), (created.UpdatedByName, created.UpdatedById));
        Assert.Equal("Ben Helper", renamed.UpdatedByName);
        Assert.Equal(("Ben Helper", ben.Actor.UserId), (listed.UpdatedByName, listed.UpdatedById));
        var feed = await activity.ListAsync(ana.Actor, ana.WorkspaceId, 0, 10);
        Assert.Equal(
        [
            "Ana Lead removed Ben Helper", "Ana Lead deleted Apollo 11", "Ben Helper closed Apollo 11",
            "Ben Helper edited Apollo 11", "Ana Lead created Apollo", "Ben Helper joined",
        ], feed.Items.Select(i => i.Sentence).ToList());
        Assert.Equal("name: Apollo -> Apollo 11; description changed", feed.Items[3].Details);
        Assert.Equal(6, feed.Total);

        // Each line was also published to the workspace, with its actor and origin (so a tab can skip its own).
        var published = recorded.Changes(WorkspaceActivity.AddedEvent);
        Assert.Equal(5, published.Count);
        Assert.All(published, e => Assert.Equal(EventScope.Workspace(ana.WorkspaceId), e.Scope));
        Assert.Equal(ben.Actor.OriginId, published[2].OriginId);
        Assert.Equal("Ben Helper closed Apollo 11", published[2].Payload.Deserialize<ActivityItem>(RealtimePayload.JsonOptions)!.Sentence);
        // The deletion says who deleted it.
        var deleted = recorded.Changes(ProjectService.ChangedEvent).Single(e => e.Operation == EntityOperation.Deleted);
        Assert.Equal("Ana Lead", deleted.Payload.GetProperty("updatedByName").GetString());
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task The_feed_is_paged_newest_first_and_hidden_from_non_members(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var projects = services.GetRequiredService<ProjectService>();
        var activity = services.GetRequiredService<WorkspaceActivity>();
        var ana = await Accounts.RegisterAsync(services);
        var stranger = await Accounts.RegisterAsync(services);
        for (var i = 1; i <= 5; i++) await projects.CreateAsync(ana.Actor, ana.WorkspaceId, new ProjectInput($"P{i}", ""));

        var first = await activity.ListAsync(ana.Actor, ana.WorkspaceId, 0, 2);
        var third = await activity.ListAsync(ana.Actor, ana.WorkspaceId, 2, 2);

        Assert.Equal(5, first.Total);
        Assert.Equal(["P5", "P4"], first.Items.Select(i => i.Subject).ToList());
        Assert.Equal(["P1"], third.Items.Select(i => i.Subject).ToList());
        await Assert.ThrowsAsync<NotFoundException>(() => activity.ListAsync(stranger.Actor, ana.WorkspaceId, 0, 10));
    }

    private static async Task<string> EmailOfAsync(IServiceProvider services, string userId)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.Email!).SingleAsync();
    }
}
