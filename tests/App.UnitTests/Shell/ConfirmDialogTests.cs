using App.UnitTests.Infrastructure;
using App.Web.Shell;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace App.UnitTests.Shell;

public sealed class ConfirmDialogTests : MudComponentTest
{
    private async Task<(IRenderedComponent<MudDialogProvider> Provider, Task<bool> Answer)> AskAsync()
    {
        var provider = Context.Render<MudDialogProvider>();
        var dialogs = Context.Services.GetRequiredService<IDialogService>();
        Task<bool> answer = null!;
        // A statement lambda: InvokeAsync would otherwise await the answer itself.
        await provider.InvokeAsync(() => { answer = ConfirmDialog.AskAsync(dialogs, "Delete project", "Delete \"Apollo\" for everyone?", "Delete project"); });
        provider.WaitForElement("#confirm-action");
        return (provider, answer);
    }

    [Fact]
    public async Task The_confirm_button_names_the_action_and_is_error_coloured()
    {
        var (provider, _) = await AskAsync();

        var action = provider.Find("#confirm-action");
        Assert.Equal("Delete project", action.TextContent.Trim());
        Assert.Contains("mud-button-filled-error", action.ClassList);
        Assert.Equal("Delete \"Apollo\" for everyone?", provider.Find("#confirm-message").TextContent);
        Assert.Contains("Delete project", provider.Find(".mud-dialog-title").TextContent);
        Assert.Equal("Cancel", provider.Find("#confirm-cancel").TextContent.Trim());
    }

    [Fact]
    public async Task Only_the_action_button_answers_yes()
    {
        var (provider, answer) = await AskAsync();
        await provider.Find("#confirm-action").ClickAsync(new());
        Assert.True(await answer);

        var (again, cancelled) = await AskAsync();
        await again.Find("#confirm-cancel").ClickAsync(new());
        Assert.False(await cancelled);
    }
}
