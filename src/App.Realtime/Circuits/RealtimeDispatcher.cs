using Microsoft.AspNetCore.Components;

namespace App.Realtime.Circuits;

/// <summary>Hands the circuit's renderer dispatcher to <see cref="CircuitRealtime"/>, so handlers subscribed with
/// <see cref="IRealtimeCircuit.Subscribe"/> run on it. Render it once at the root (e.g. in <c>Routes.razor</c>,
/// outside any layout); <see cref="RealtimeSubscription"/> does the same by itself. Renders nothing.</summary>
public sealed class RealtimeDispatcher : IComponent
{
    private RenderHandle handle;

    [Inject] private CircuitRealtime Realtime { get; set; } = default!;

    public void Attach(RenderHandle renderHandle) => handle = renderHandle;

    public Task SetParametersAsync(ParameterView parameters)
    {
        if (handle.RendererInfo.IsInteractive) Realtime.AttachDispatcher(handle.Dispatcher);
        return Task.CompletedTask;
    }
}
