using System.Security.Claims;
using App.Domain.Common;
using App.Web.Auth;
using App.Realtime.Circuits;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace App.Web.Console;

/// <summary>Base of console pages: the operator as a domain actor, and one way to report domain errors.</summary>
public abstract class ConsolePage : ComponentBase
{
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;
    [Inject] protected IRealtimeCircuit Realtime { get; set; } = default!;
    [Inject] protected ISnackbar Snackbar { get; set; } = default!;

    protected ClaimsPrincipal User { get; private set; } = new();

    protected Actor Actor => User.ToActor(Realtime.OriginId);

    protected override async Task OnInitializedAsync()
    {
        User = (await AuthenticationState).User;
        await LoadAsync();
    }

    protected virtual Task LoadAsync() => Task.CompletedTask;

    /// <summary>Runs an operator action; a refused or invalid one becomes a message, never a broken page.</summary>
    protected async Task<bool> TryAsync(Func<Task> action, string? success = null)
    {
        try
        {
            await action();
            if (success is not null) Snackbar.Add(success, Severity.Success);
            return true;
        }
        catch (DomainException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
            return false;
        }
    }
}
