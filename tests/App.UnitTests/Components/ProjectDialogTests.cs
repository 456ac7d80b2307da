using App.Domain.Common;
using App.Domain.Projects;
using App.UnitTests.Infrastructure;
using App.Web.Workspaces;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace App.UnitTests.Components;

public sealed class ProjectDialogTests : MudComponentTest
{
    private readonly List<ProjectInput> saves = [];
    private readonly LiveRealtime realtime;

    public ProjectDialogTests() => realtime = LiveRealtime.AddTo(Context);

    private async Task<(IRenderedComponent<MudDialogProvider> Provider, IDialogReference Dialog)> OpenAsync(
        Func<ProjectInput, Task<ProjectDto>> save, ProjectDto? project = null)
    {
        await realtime.SignInAsync("me");
        var provider = Context.Render<MudDialogProvider>();
        var dialogs = Context.Services.GetRequiredService<IDialogService>();
        IDialogReference? reference = null;
        await provider.InvokeAsync(async () => reference = await dialogs.ShowAsync<ProjectDialog>("Project",
            new DialogParameters<ProjectDialog> { { d => d.Project, project }, { d => d.Save, save } }));
        return (provider, reference!);
    }

    private Func<ProjectInput, Task<ProjectDto>> Recording(Func<ProjectInput, ProjectDto> result) => input =>
    {
        saves.Add(input);
        return Task.FromResult(result(input));
    };

    [Fact]
    public async Task Opening_puts_focus_in_Name_and_shows_no_error_before_anything_is_typed()
    {
        var (provider, _) = await OpenAsync(Recording(_ => throw new InvalidOperationException()));

        // app.js moves the dialog's first focus into the marked field (a real browser checks it: ShellTests).
        Assert.NotNull(provider.Find("input#project-name").Closest("[data-initial-focus]"));
        Assert.DoesNotContain("Name is required.", provider.Markup);
    }

    [Fact]
    public async Task An_empty_name_is_refused_before_anything_is_saved()
    {
        var (provider, _) = await OpenAsync(Recording(_ => throw new InvalidOperationException()));

        await provider.Find("#project-save").ClickAsync(new());

        Assert.Empty(saves);
        provider.WaitForAssertion(() => Assert.Contains("Name is required.", provider.Markup));
    }

    [Fact]
    public async Task A_valid_project_is_saved_and_returned()
    {
        var saved = new ProjectDto(Guid.NewGuid(), Guid.NewGuid(), "Apollo", "Moon", ProjectStatus.Open, DateTime.UtcNow, DateTime.UtcNow, "u", 1);
        var (provider, dialog) = await OpenAsync(Recording(_ => saved));

        provider.Find("#project-name").Change("Apollo");
        provider.Find("#project-description").Change("Moon");
        await provider.Find("#project-save").ClickAsync(new());

        var result = await dialog.Result;
        Assert.False(result!.Canceled);
        Assert.Same(saved, result.Data);
        Assert.Equal(new ProjectInput("Apollo", "Moon"), Assert.Single(saves));
    }

    [Fact]
    public async Task A_conflict_is_explained_and_what_the_user_typed_is_kept()
    {
        var existing = new ProjectDto(Guid.NewGuid(), Guid.NewGuid(), "Old", "", ProjectStatus.Open, DateTime.UtcNow, DateTime.UtcNow, "u", 3);
        var (provider, _) = await OpenAsync(_ => throw new ConcurrencyConflictException("Someone else changed this project."), existing);

        Assert.Equal("Old", provider.Find("#project-name").GetAttribute("value"));
        provider.Find("#project-name").Change("Mine");
        await provider.Find("#project-save").ClickAsync(new());

        provider.WaitForAssertion(() => Assert.Equal("Someone else changed this project.", provider.Find("#project-dialog-error").TextContent.Trim()));
        Assert.Equal("Mine", provider.Find("#project-name").GetAttribute("value"));
    }

    [Fact]
    public async Task A_domain_error_on_a_field_is_shown_on_that_field()
    {
        var (provider, _) = await OpenAsync(_ => throw new DomainValidationException("Name", "Name must be at most 100 characters."));

        provider.Find("#project-name").Change("x");
        await provider.Find("#project-save").ClickAsync(new());

        provider.WaitForAssertion(() => Assert.Contains("Name must be at most 100 characters.", provider.Markup));
    }

    public static TheoryData<string> DatabaseFaults => ["locked", "full", "mariadb-down"];

    [Theory, MemberData(nameof(DatabaseFaults))]
    public async Task A_database_that_cannot_save_is_explained_and_what_the_user_typed_is_kept(string fault)
    {
        Exception error = fault switch
        {
            "locked" => new Microsoft.EntityFrameworkCore.DbUpdateException("save failed",
                new Microsoft.Data.Sqlite.SqliteException("SQLite Error 5: 'database is locked'.", 5)),
            "full" => new Microsoft.Data.Sqlite.SqliteException("SQLite Error 13: 'database or disk is full'.", 13),
            _ => new InvalidOperationException("An exception has been raised that is likely due to a transient failure.",
                MySqlConnectorErrors.UnableToConnect()),
        };
        var (provider, _) = await OpenAsync(_ => throw error);

        provider.Find("#project-name").Change("Kept");
        provider.Find("#project-description").Change("typed before the failure");
        await provider.Find("#project-save").ClickAsync(new());

        provider.WaitForAssertion(() => Assert.Equal("Could not save: the database is unavailable, try again.",
            provider.Find("#project-dialog-error").TextContent.Trim()));
        Assert.Equal("Kept", provider.Find("#project-name").GetAttribute("value"));
        Assert.False(provider.Find("#project-save").HasAttribute("disabled"));
    }
}

/// <summary>MySqlConnector's exceptions have no public constructor: a real one, from a connection to a closed port.</summary>
internal static class MySqlConnectorErrors
{
    public static Exception UnableToConnect()
    {
        try
        {
            using var connection = new MySqlConnector.MySqlConnection(
                $"Server=127.0.0.1;Port={App.Tests.Shared.AppProcess.FreePort()};User ID=x;Connection Timeout=2");
            connection.Open();
        }
        catch (MySqlConnector.MySqlException ex)
        {
            return ex;
        }
        throw new InvalidOperationException("connected to a closed port");
    }
}
