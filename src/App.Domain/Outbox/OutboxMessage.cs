namespace App.Domain.Outbox;

/// <summary>
/// One realtime event waiting to be (or lately) handed to the realtime publisher. Written by
/// <see cref="Persistence.AppDbContext.Stage"/> in the same transaction as the change it describes, so a commit
/// always leaves its events behind, even when the process dies the next instant; <see cref="DispatchedAt"/> is set
/// once the event is published and held by the relay. Dispatched rows are deleted after a while.
/// </summary>
public sealed class OutboxMessage
{
    public const int EventIdLength = 32;
    public const int NameMaxLength = 200;

    /// <summary>Increasing: the order rows are dispatched in when they are swept up.</summary>
    public long Id { get; set; }
    /// <summary>The event's id (<see cref="Events.IRealtimeDomainEvent.EventId"/>): receivers route an id once.</summary>
    public string EventId { get; set; } = "";
    /// <summary>The event name, for operators reading the table.</summary>
    public string Name { get; set; } = "";
    /// <summary>The event (<see cref="OutboxBody"/>).</summary>
    public string Body { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? DispatchedAt { get; set; }
}
