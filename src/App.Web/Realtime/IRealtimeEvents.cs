using Microsoft.AspNetCore.Components;

namespace App.Web.Realtime;

/// <summary>
/// Realtime events for the current circuit (the <c>useRealtimeEvent</c> counterpart). Only events whose scope
/// this circuit's user may see ever arrive. Handlers run on the circuit's dispatcher, one at a time; dispose the
/// returned subscription (or the component that owns it) to stop.
/// <code>
/// sub = Realtime.Subscribe(this, "demo.ping", e => { last = e.Payload.ToString(); return Task.CompletedTask; });
/// </code>
/// </summary>
public interface IRealtimeEvents
{
    /// <summary>Identifies this circuit as the origin of the changes it makes: pass it to the domain
    /// (<c>User.ToActor(Realtime.OriginId)</c>) and <see cref="RealtimeEventContext.IsOwnEcho"/> tells you an event is yours.</summary>
    string OriginId { get; }

    /// <summary><paramref name="eventName"/> is an event name or <c>*</c> for every event.</summary>
    IDisposable Subscribe(string eventName, Func<RealtimeEventContext, Task> onEvent, Func<RealtimeEventContext, bool>? matches = null);

    /// <summary>As above, and re-renders <paramref name="receiver"/> (a component) after each handled event.</summary>
    IDisposable Subscribe(IHandleEvent receiver, string eventName, Func<RealtimeEventContext, Task> onEvent,
        Func<RealtimeEventContext, bool>? matches = null);
}
