namespace App.Realtime.Circuits;

/// <summary>
/// Realtime events for the current circuit (the <c>useRealtimeEvent</c> counterpart); inject it in a component.
/// Only events whose topic this circuit's user may hear ever arrive. Handlers run on the circuit's dispatcher,
/// one at a time, whatever layout the page uses; dispose the subscription (or use
/// <see cref="RealtimeSubscription"/>, disposed with its component) to stop.
/// <code>
/// sub = Realtime.Subscribe("demo.ping", e => { last = e.PayloadAs&lt;Ping&gt;()?.Message; return InvokeAsync(StateHasChanged); });
/// </code>
/// </summary>
public interface IRealtimeCircuit
{
    /// <summary>Identifies this circuit as the origin of the changes it makes: pass it to the code that publishes,
    /// and <see cref="IsOwnEcho"/> tells you an event is yours.</summary>
    string OriginId { get; }

    /// <summary>True when this circuit caused the event: the change is already on screen.</summary>
    bool IsOwnEcho(RealtimeEvent realtimeEvent) => realtimeEvent.OriginId == OriginId;

    /// <summary><paramref name="name"/> is an event name or <c>*</c> for every event; <paramref name="matches"/>
    /// filters further; <paramref name="onMissed"/> (optional) hears that events were missed (their count, 0 when
    /// unknown) so the component can reload. No other subscription hears about missed events.</summary>
    IDisposable Subscribe(string name, Func<RealtimeEvent, Task> onEvent, Func<RealtimeEvent, bool>? matches = null,
        Func<long, Task>? onMissed = null);
}
