using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Projects;
using App.UnitTests.Infrastructure;
using App.Web.Realtime;
using App.Web.Workspaces;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace App.UnitTests.Components;

/// <summary>The edit dialog when someone else changes the project underneath: told live, merged field by field,
/// asked only about the same field, and never losing what was typed.</summary>
public sealed class ProjectDialogConflictTests : MudComponentTest
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid WorkspaceId = Guid.NewGuid();
    private readonly LiveRealtime realtime;
    private readonly List<(int Version, ProjectInput Input, bool Overwrite)> updates = [];
    private ProjectDto stored = Version(1, "Apollo", "Moon", "Ana");

    public ProjectDialogConflictTests()
    {
        realtime = LiveRealtime.AddWithTopics(Context, EventScope.Workspace(WorkspaceId).Key);
    }

    private static ProjectDto Version(int version, string name, string description, string by) =>
        new(Id, WorkspaceId, name, description, ProjectStatus.Open, DateTime.UtcNow, DateTime.UtcNow, "u", version, "u-" + by, by);

    private async Task<(IRenderedComponent<MudDialogProvider>, IDialogReference)> OpenAsync()
    {
        await realtime.SignInAsync("me");
        Context.Render<MudSnackbarProvider>();
        var provider = Context.Render<MudDialogProvider>();
        var dialogs = Context.Services.GetRequiredService<IDialogService>();
        IDialogReference? reference = null;
        var opened = stored;
        await provider.InvokeAsync(async () => reference = await dialogs.ShowAsync<ProjectDialog>("Edit", new DialogParameters<ProjectDialog>
        {
            { d => d.Project, opened },
            { d => d.Update, (version, input, overwrite) =>
                {
                    updates.Add((version, input, overwrite));
                    if (version != stored.Version) throw new ConcurrencyConflictException("stale");
                    stored = Version(version + 1, input.Name!, input.Description!, "Me");
                    return Task.FromResult(stored);
                } },
            { d => d.Load, () => Task.FromResult(stored) },
        }));
        return (provider, reference!);
    }

    /// <summary>Someone else saves: the store changes and the event reaches the open dialog.</summary>
    private async Task TheyChangeAsync(IRenderedComponent<MudDialogProvider> provider, string name, string description, bool tell = true)
    {
        stored = Version(stored.Version + 1, name, description, "Ben");
        if (tell)
            await provider.InvokeAsync(() => realtime.RaiseAsync(ProjectService.ChangedEvent, stored, EventScope.Workspace(WorkspaceId),
                EntityOperation.Updated, origin: "ben-circuit", entityId: Id.ToString("D")));
    }

    [Fact]
    public async Task A_change_underneath_is_announced_and_different_fields_are_merged_without_a_question()
    {
        var (provider, dialog) = await OpenAsync();
        provider.Find("#project-description").Change("Moon landing");

        await TheyChangeAsync(provider, "Apollo 11", "Moon");
        provider.WaitForAssertion(() => Assert.StartsWith("Ben changed this project: name Apollo -> Apollo 11.",
            provider.Find("#project-dialog-notice").TextContent.Trim()));
        Assert.Equal("Moon landing", provider.Find("#project-description").GetAttribute("value")); // typing kept
        await provider.Find("#project-save").ClickAsync(new());

        var result = await dialog.Result;
        Assert.False(result!.Canceled);
        Assert.Equal([(2, new ProjectInput("Apollo 11", "Moon landing"), false)], updates);
        Assert.Contains("merged with your edit and saved", Context.Render<MudSnackbarProvider>().Markup);
    }

    [Fact]
    public async Task A_stale_save_the_dialog_never_heard_of_goes_through_the_same_merge()
    {
        var (provider, dialog) = await OpenAsync();
        provider.Find("#project-description").Change("Moon landing");
        await TheyChangeAsync(provider, "Apollo 11", "Moon", tell: false);

        await provider.Find("#project-save").ClickAsync(new());

        await dialog.Result;
        Assert.Equal([(1, new ProjectInput("Apollo", "Moon landing"), false), (2, new ProjectInput("Apollo 11", "Moon landing"), false)], updates);
        Assert.Equal(("Apollo 11", "Moon landing"), (stored.Name, stored.Description));
    }

    [Fact]
    public async Task The_same_field_asks_and_Overwrite_saves_mine_on_top_of_theirs()
    {
        var (provider, dialog) = await OpenAsync();
        provider.Find("#project-name").Change("Artemis");
        await TheyChangeAsync(provider, "Apollo 11", "Moon");

        await provider.Find("#project-save").ClickAsync(new());
        provider.WaitForAssertion(() => Assert.Contains("Ben also changed the name (theirs: \"Apollo 11\")", provider.Find("#project-dialog-conflict").TextContent));
        Assert.Empty(updates);
        Assert.Equal("Artemis", provider.Find("#project-name").GetAttribute("value"));
        await provider.Find("#project-overwrite").ClickAsync(new());

        await dialog.Result;
        Assert.Equal([(2, new ProjectInput("Artemis", "Moon"), true)], updates);
    }

    [Fact]
    public async Task Reload_takes_theirs_for_the_conflicting_field_and_keeps_my_other_edits()
    {
        var (provider, dialog) = await OpenAsync();
        provider.Find("#project-name").Change("Artemis");
        provider.Find("#project-description").Change("Back to the moon");
        await TheyChangeAsync(provider, "Apollo 11", "Moon");
        await provider.Find("#project-save").ClickAsync(new());
        provider.WaitForElement("#project-dialog-conflict");

        await provider.Find("#project-reload").ClickAsync(new());

        Assert.Equal("Apollo 11", provider.Find("#project-name").GetAttribute("value"));
        Assert.Equal("Back to the moon", provider.Find("#project-description").GetAttribute("value"));
        await provider.Find("#project-save").ClickAsync(new());
        await dialog.Result;
        Assert.Equal([(2, new ProjectInput("Apollo 11", "Back to the moon"), false)], updates);
    }

    [Fact]
    public async Task Deleted_underneath_says_so_and_keeps_the_text()
    {
        var (provider, _) = await OpenAsync();
        provider.Find("#project-name").Change("My careful rename");

        await provider.InvokeAsync(() => realtime.RaiseAsync(ProjectService.ChangedEvent, Version(2, "Apollo", "Moon", "Ben"),
            EventScope.Workspace(WorkspaceId), EntityOperation.Deleted, origin: "ben-circuit", entityId: Id.ToString("D")));

        provider.WaitForAssertion(() => Assert.StartsWith("Ben deleted this project.", provider.Find("#project-dialog-deleted").TextContent.Trim()));
        Assert.Equal("My careful rename", provider.Find("#project-name").GetAttribute("value"));
        Assert.True(provider.Find("#project-save").HasAttribute("disabled"));
    }

    [Fact]
    public async Task This_tabs_own_echo_and_other_projects_are_not_announced()
    {
        var (provider, _) = await OpenAsync();
        await provider.InvokeAsync(() => realtime.RaiseAsync(ProjectService.ChangedEvent, Version(2, "Echo", "", "Me"),
            EventScope.Workspace(WorkspaceId), EntityOperation.Updated, origin: realtime.OriginId, entityId: Id.ToString("D")));
        await provider.InvokeAsync(() => realtime.RaiseAsync(ProjectService.ChangedEvent, Version(2, "Other", "", "Ben"),
            EventScope.Workspace(WorkspaceId), EntityOperation.Updated, origin: "ben-circuit", entityId: Guid.NewGuid().ToString("D")));

        Assert.Empty(provider.FindAll("#project-dialog-notice"));
    }
}
