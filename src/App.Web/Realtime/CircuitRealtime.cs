using App.Domain.Workspaces;
using App.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace App.Web.Realtime;

/// <summary>
/// One circuit's realtime connection: registered in the audience index when the circuit opens (with its user's
/// workspace memberships, resolved once), re-registered when its user changes, removed when it closes.
/// Outside a circuit (prerendering) subscriptions are inert.
/// </summary>
public sealed class CircuitRealtime(
    RealtimeAudience audience,
    RealtimeMetrics metrics,
    WorkspaceDirectory workspaces,
    AuthenticationStateProvider authentication,
    ILogger<CircuitRealtime> logger) : IRealtimeEvents, IAsyncDisposable
{
    private readonly TaskCompletionSource<Dispatcher> dispatcher = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim registration = new(1, 1);
    private RealtimeSubscriptions? subscriptions;
    private bool open;
    private bool disposed;

    public string OriginId { get; } = "c-" + Guid.NewGuid().ToString("N")[..16];

    public string? UserId { get; private set; }

    /// <summary>True once the circuit is registered in the audience.</summary>
    public bool IsRegistered { get; private set; }

    public IDisposable Subscribe(string eventName, Func<RealtimeEventContext, Task> onEvent, Func<RealtimeEventContext, bool>? matches = null) =>
        open ? Subscriptions.Subscribe(eventName, onEvent, matches) : Inert.Instance;

    public IDisposable Subscribe(IHandleEvent receiver, string eventName, Func<RealtimeEventContext, Task> onEvent,
        Func<RealtimeEventContext, bool>? matches = null)
    {
        var callback = EventCallback.Factory.Create(receiver, onEvent);
        return Subscribe(eventName, e => callback.InvokeAsync(e), matches);
    }

    private RealtimeSubscriptions Subscriptions =>
        subscriptions ??= new RealtimeSubscriptions(OriginId, OriginId, DispatchAsync, metrics, logger);

    /// <summary>Called by the dispatcher anchor once the circuit renders interactively.</summary>
    internal void AttachDispatcher(Dispatcher value) => dispatcher.TrySetResult(value);

    private async Task DispatchAsync(Func<Task> work) => await (await dispatcher.Task).InvokeAsync(work);

    /// <summary>Called by the circuit handler when the circuit opens.</summary>
    internal async Task OpenAsync()
    {
        open = true;
        authentication.AuthenticationStateChanged += OnAuthenticationChanged;
        await RegisterAsync(await authentication.GetAuthenticationStateAsync());
    }

    private void OnAuthenticationChanged(Task<AuthenticationState> state) => _ = ReRegisterAsync(state);

    private async Task ReRegisterAsync(Task<AuthenticationState> state)
    {
        try
        {
            await RegisterAsync(await state);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Re-registering realtime circuit {Origin} failed", OriginId);
        }
    }

    private async Task RegisterAsync(AuthenticationState state)
    {
        await registration.WaitAsync();
        try
        {
            if (disposed) return;
            if (IsRegistered) audience.Unregister(Subscriptions);
            UserId = state.User.Id();
            IsRegistered = true;
            await audience.JoinAsync(Subscriptions, UserId, user => workspaces.MembershipIdsAsync(user));
        }
        finally
        {
            registration.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await registration.WaitAsync();
        try
        {
            disposed = true;
            authentication.AuthenticationStateChanged -= OnAuthenticationChanged;
            if (subscriptions is null) return;
            audience.Unregister(subscriptions);
            IsRegistered = false;
            await subscriptions.DisposeAsync();
        }
        finally
        {
            registration.Release();
        }
    }

    private sealed class Inert : IDisposable
    {
        public static readonly Inert Instance = new();
        public void Dispose() { }
    }
}
