using App.Domain.Workspaces;
using App.Web.Auth;
using App.Domain.Events;
using App.Realtime.Circuits;
using App.Web.Realtime;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace App.Web.Workspaces;

/// <summary>
/// Base of the components that show the signed-in user's workspaces (home page list, shell switcher): loads them
/// and reloads when a membership change is published to this user (added, removed, left, made owner).
/// </summary>
public abstract class LiveWorkspaces : ComponentBase, IDisposable
{
    private IDisposable? subscription;

    [Inject] private WorkspaceDirectory Directory { get; set; } = default!;
    [Inject] private IRealtimeCircuit Realtime { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    protected IReadOnlyList<WorkspaceSummary> Workspaces { get; private set; } = [];

    protected string? UserId { get; private set; }

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is null) return;
        UserId = (await AuthenticationState).User.Id();
        if (UserId is null) return;
        var mine = EventScope.User(UserId);
        subscription = Realtime.Subscribe(WorkspaceMembers.ChangedEvent, _ => ReloadAndRenderAsync(), e => e.IsFor(mine),
            _ => ReloadAndRenderAsync());
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        if (UserId is not null) Workspaces = await Directory.ListForUserAsync(UserId);
    }

    // Handlers run on the circuit's dispatcher.
    private async Task ReloadAndRenderAsync()
    {
        await ReloadAsync();
        StateHasChanged();
    }

    public void Dispose() => subscription?.Dispose();
}
