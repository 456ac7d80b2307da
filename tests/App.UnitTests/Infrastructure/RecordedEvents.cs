using App.Domain.Events;

namespace App.UnitTests.Infrastructure;

/// <summary>Everything a bus delivered, for assertions on what subscribers actually received.</summary>
public sealed class RecordedEvents : IDisposable
{
    private readonly List<object> events = [];
    private readonly IDisposable subscription;

    public RecordedEvents(IDomainEvents bus)
    {
        subscription = bus.Subscribe<object>((e, _) =>
        {
            lock (events) events.Add(e);
            return ValueTask.CompletedTask;
        });
    }

    public IReadOnlyList<EntityChange> Changes(string? realtimeEvent = null)
    {
        lock (events)
            return events.OfType<EntityChange>().Where(e => realtimeEvent is null || e.Name == realtimeEvent).ToList();
    }

    public void Dispose() => subscription.Dispose();
}
