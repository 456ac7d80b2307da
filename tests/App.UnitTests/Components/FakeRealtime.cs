using App.Domain.Events;
using App.Web.Realtime;
using Microsoft.AspNetCore.Components;

namespace App.UnitTests.Components;

/// <summary>An IRealtimeEvents whose events the test raises; records subscriptions so tests can see
/// (re)subscribing and disposal.</summary>
public sealed class FakeRealtime : IRealtimeEvents
{
    public List<Entry> Subscriptions { get; } = [];
    public string OriginId => "origin-test";

    public IEnumerable<Entry> Active => Subscriptions.Where(s => !s.Disposed);

    public IDisposable Subscribe(string eventName, Func<RealtimeEventContext, Task> onEvent, Func<RealtimeEventContext, bool>? matches = null)
    {
        var entry = new Entry(eventName, onEvent, matches);
        Subscriptions.Add(entry);
        return entry;
    }

    public IDisposable Subscribe(IHandleEvent receiver, string eventName, Func<RealtimeEventContext, Task> onEvent,
        Func<RealtimeEventContext, bool>? matches = null)
    {
        var callback = EventCallback.Factory.Create(receiver, onEvent);
        return Subscribe(eventName, e => callback.InvokeAsync(e), matches);
    }

    public async Task RaiseAsync(string eventName, object? payload = null, EventScope? scope = null, EntityOperation? operation = null, string? origin = null,
        string? entityId = null)
    {
        var envelope = new RealtimeEnvelope
        {
            Event = eventName, Scope = scope ?? EventScope.Global, Sequence = 1, Operation = operation, OriginId = origin, EntityId = entityId,
            Payload = RealtimePayload.Snapshot(payload, eventName),
        };
        var context = new RealtimeEventContext(envelope, origin == OriginId);
        foreach (var entry in Active.ToList())
            if ((entry.EventName == "*" || entry.EventName == eventName) && (entry.Matches?.Invoke(context) ?? true))
                await entry.OnEvent(context);
    }

    public sealed class Entry(string eventName, Func<RealtimeEventContext, Task> onEvent, Func<RealtimeEventContext, bool>? matches) : IDisposable
    {
        public string EventName { get; } = eventName;
        public Func<RealtimeEventContext, Task> OnEvent { get; } = onEvent;
        public Func<RealtimeEventContext, bool>? Matches { get; } = matches;
        public bool Disposed { get; private set; }
        public void Dispose() => Disposed = true;
    }
}
