using Microsoft.AspNetCore.Components;

namespace App.Web.Realtime;

/// <summary>Hands the circuit's renderer dispatcher to <see cref="CircuitRealtime"/>, so realtime handlers run on
/// it. Rendered once by the shell layout; renders nothing.</summary>
public sealed class RealtimeDispatcherAnchor : IComponent
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
