using Microsoft.AspNetCore.Components;

namespace App.Realtime.Circuits;

/// <summary>
/// Declarative subscription, disposed with the component that declares it:
/// <c>&lt;RealtimeSubscription Name="projects.project.changed" OnEvent="OnChanged" /&gt;</c>.
/// <see cref="Name"/> omitted means every event. Changing <see cref="Name"/> or <see cref="Enabled"/> subscribes
/// again; <see cref="Matches"/> is read at each event. <see cref="OnEvent"/> (and <see cref="OnMissed"/>) run on the
/// circuit's dispatcher and re-render the declaring component. Renders nothing; on its own renderer it also
/// hands the circuit's dispatcher to the realtime layer, so it works under any layout.
/// </summary>
public sealed class RealtimeSubscription : IComponent, IDisposable
{
    private RenderHandle handle;
    private IDisposable? subscription;
    private string? subscribedName;
    private bool subscribedEnabled;

    [Inject] private CircuitRealtime Realtime { get; set; } = default!;

    /// <summary>The event name, or null / <c>*</c> for every event.</summary>
    [Parameter] public string? Name { get; set; }

    /// <summary>Extra filter, e.g. <c>e => e.Topic == topic</c>.</summary>
    [Parameter] public Func<RealtimeEvent, bool>? Matches { get; set; }

    [Parameter] public bool Enabled { get; set; } = true;

    [Parameter] public EventCallback<RealtimeEvent> OnEvent { get; set; }

    /// <summary>Events were missed (their count; 0 when unknown): reload. Only set it if you need it.</summary>
    [Parameter] public EventCallback<long> OnMissed { get; set; }

    public void Attach(RenderHandle renderHandle) => handle = renderHandle;

    public Task SetParametersAsync(ParameterView parameters)
    {
        parameters.SetParameterProperties(this);
        if (handle.RendererInfo.IsInteractive) Realtime.AttachDispatcher(handle.Dispatcher);
        var name = string.IsNullOrWhiteSpace(Name) ? "*" : Name;
        if (subscription is not null && name == subscribedName && Enabled == subscribedEnabled) return Task.CompletedTask;
        subscription?.Dispose();
        subscription = null;
        subscribedName = name;
        subscribedEnabled = Enabled;
        if (Enabled)
            subscription = Realtime.Subscribe(name, e => OnEvent.InvokeAsync(e), e => Matches?.Invoke(e) ?? true,
                OnMissed.HasDelegate ? count => OnMissed.InvokeAsync(count) : null);
        return Task.CompletedTask;
    }

    public void Dispose() => subscription?.Dispose();
}
