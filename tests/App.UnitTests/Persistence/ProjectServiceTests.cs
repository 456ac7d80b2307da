using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Projects;
using App.UnitTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Persistence;

/// <summary>Projects against SQLite and the real MariaDB: membership, validation, concurrency, and the
/// entity changes subscribers receive.</summary>
public sealed class ProjectServiceTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Members_manage_projects_through_their_lifecycle_and_each_step_is_published(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var projects = services.GetRequiredService<ProjectService>();
        var (actor, _, workspaceId) = await Accounts.RegisterAsync(services);
        using var recorded = new RecordedEvents(services.GetRequiredService<IDomainEvents>());

        var created = await projects.CreateAsync(actor, workspaceId, new ProjectInput("  Apollo  ", "Moon"));
        var renamed = await projects.UpdateAsync(actor, created.Id, created.Version, new ProjectInput("Apollo 11", "Moon landing"));
        var closed = await projects.CloseAsync(actor, created.Id, renamed.Version, "shipped");
        var reopened = await projects.ReopenAsync(actor, created.Id, closed.Version);
        await projects.DeleteAsync(actor, created.Id, reopened.Version);

        Assert.Equal("Apollo", created.Name);
        Assert.Equal(ProjectStatus.Closed, closed.Status);
        Assert.Empty(await projects.ListAsync(actor, workspaceId));
        var mine = recorded.Changes(ProjectService.ChangedEvent).Where(c => c.EntityId == created.Id.ToString()).ToList();
        Assert.Equal(
            [(EntityOperation.Created, null), (EntityOperation.Updated, null), (EntityOperation.Updated, "closed"),
             (EntityOperation.Updated, "reopened"), (EntityOperation.Deleted, null)],
            mine.Select(c => (c.Operation, c.Action)).ToList());
        Assert.All(mine, c => Assert.Equal(EventScope.Workspace(workspaceId), c.Scope));
        Assert.All(mine, c => Assert.Equal(actor.OriginId, c.OriginId));
        Assert.Equal("shipped", mine[2].Reason);
        Assert.Equal("Apollo 11", mine[1].Payload.GetProperty("name").GetString());
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task A_non_member_cannot_see_or_touch_another_workspace_and_learns_nothing(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var projects = services.GetRequiredService<ProjectService>();
        var owner = await Accounts.RegisterAsync(services);
        var stranger = await Accounts.RegisterAsync(services);
        var project = await projects.CreateAsync(owner.Actor, owner.WorkspaceId, new ProjectInput("Secret", ""));
        using var recorded = new RecordedEvents(services.GetRequiredService<IDomainEvents>());

        await Assert.ThrowsAsync<NotFoundException>(() => projects.ListAsync(stranger.Actor, owner.WorkspaceId));
        await Assert.ThrowsAsync<NotFoundException>(() => projects.CreateAsync(stranger.Actor, owner.WorkspaceId, new ProjectInput("x", "")));
        await Assert.ThrowsAsync<NotFoundException>(() => projects.GetAsync(stranger.Actor, project.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => projects.UpdateAsync(stranger.Actor, project.Id, project.Version, new ProjectInput("Mine", "")));
        await Assert.ThrowsAsync<NotFoundException>(() => projects.DeleteAsync(stranger.Actor, project.Id, project.Version));

        Assert.Equal("Secret", (await projects.GetAsync(owner.Actor, project.Id)).Name);
        Assert.Empty(recorded.Changes());
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task The_second_of_two_concurrent_edits_is_refused_and_overwrites_nothing(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var projects = services.GetRequiredService<ProjectService>();
        var (actor, _, workspaceId) = await Accounts.RegisterAsync(services);
        var project = await projects.CreateAsync(actor, workspaceId, new ProjectInput("Original", ""));
        using var recorded = new RecordedEvents(services.GetRequiredService<IDomainEvents>());

        // Both editors opened version 1.
        await projects.UpdateAsync(actor, project.Id, project.Version, new ProjectInput("First editor", ""));
        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => projects.UpdateAsync(actor, project.Id, project.Version, new ProjectInput("Second editor", "")));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => projects.DeleteAsync(actor, project.Id, project.Version));

        Assert.Contains("Nothing was saved", conflict.Message);
        var stored = await projects.GetAsync(actor, project.Id);
        Assert.Equal("First editor", stored.Name);
        Assert.Equal(2, stored.Version);
        Assert.Single(recorded.Changes(ProjectService.ChangedEvent));
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Invalid_input_is_refused_before_anything_is_saved_or_published(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var projects = services.GetRequiredService<ProjectService>();
        var (actor, _, workspaceId) = await Accounts.RegisterAsync(services);
        using var recorded = new RecordedEvents(services.GetRequiredService<IDomainEvents>());

        var empty = await Assert.ThrowsAsync<DomainValidationException>(() => projects.CreateAsync(actor, workspaceId, new ProjectInput("   ", "")));
        var tooLong = await Assert.ThrowsAsync<DomainValidationException>(
            () => projects.CreateAsync(actor, workspaceId, new ProjectInput(new string('n', Project.NameMaxLength + 1), "")));
        var longDescription = await Assert.ThrowsAsync<DomainValidationException>(
            () => projects.CreateAsync(actor, workspaceId, new ProjectInput("ok", new string('d', Project.DescriptionMaxLength + 1))));

        Assert.Equal("Name", empty.Field);
        Assert.Equal("Name", tooLong.Field);
        Assert.Equal("Description", longDescription.Field);
        Assert.Empty(await projects.ListAsync(actor, workspaceId));
        Assert.Empty(recorded.Changes());
    }
}
