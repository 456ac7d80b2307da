using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace App.Realtime.Circuits;

/// <summary>
/// One circuit's realtime connection: joins the audience when the circuit opens (its user's topics resolved once
/// by the app's <see cref="IRealtimeAudienceResolver"/>), joins again when its user changes, leaves when it closes.
/// Outside a circuit (prerendering) subscriptions are inert.
/// </summary>
public sealed class CircuitRealtime(
    RealtimeAudience audience,
    RealtimeMetrics metrics,
    IRealtimeAudienceResolver resolver,
    IOptions<RealtimeOptions> options,
    AuthenticationStateProvider authentication,
    ILogger<CircuitRealtime> logger) : IRealtimeCircuit, IAsyncDisposable
{
    private readonly TaskCompletionSource<Dispatcher> dispatcher = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim registration = new(1, 1);
    private CircuitConnection? connection;
    private bool open;
    private bool disposed;

    public string OriginId { get; } = "c-" + Guid.NewGuid().ToString("N")[..16];

    private bool IsRegistered { get; set; }

    public IDisposable Subscribe(string name, Func<RealtimeEvent, Task> onEvent, Func<RealtimeEvent, bool>? matches = null,
        Func<long, Task>? onMissed = null) =>
        open ? Connection.Subscribe(name, onEvent, matches, onMissed) : Inert.Instance;

    private CircuitConnection Connection =>
        connection ??= new CircuitConnection(OriginId, DispatchAsync, metrics, logger, options.Value.QueueCapacity);

    /// <summary>The circuit's renderer dispatcher, handed over by the first realtime component that renders
    /// interactively (<see cref="RealtimeSubscription"/>, <see cref="RealtimeDispatcher"/>); every component of a
    /// circuit shares it, so handlers run on it whatever layout the page uses.</summary>
    internal void AttachDispatcher(Dispatcher value) => dispatcher.TrySetResult(value);

    private async Task DispatchAsync(Func<Task> work) => await (await dispatcher.Task).InvokeAsync(work);

    /// <summary>Called by the circuit handler when the circuit opens.</summary>
    internal async Task OpenAsync()
    {
        open = true;
        authentication.AuthenticationStateChanged += OnAuthenticationChanged;
        await JoinAsync(await authentication.GetAuthenticationStateAsync());
    }

    private void OnAuthenticationChanged(Task<AuthenticationState> state) => _ = JoinAgainAsync(state);

    private async Task JoinAgainAsync(Task<AuthenticationState> state)
    {
        try
        {
            await JoinAsync(await state);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Re-joining the realtime audience for circuit {Origin} failed", OriginId);
        }
    }

    private async Task JoinAsync(AuthenticationState state)
    {
        await registration.WaitAsync();
        try
        {
            if (disposed) return;
            if (IsRegistered) audience.Unregister(Connection);
            IsRegistered = true;
            await audience.JoinAsync(Connection, options.Value.UserIdOf(state.User), user => resolver.TopicsOfAsync(user));
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
            if (connection is null) return;
            audience.Unregister(connection);
            IsRegistered = false;
            await connection.DisposeAsync();
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
