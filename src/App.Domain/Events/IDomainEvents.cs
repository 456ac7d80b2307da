namespace App.Domain.Events;

/// <summary>
/// The in-process event bus. Publishing never throws because of a subscriber: each handler runs isolated,
/// and a failing one is logged and counted while the others still run.
/// </summary>
public interface IDomainEvents
{
    /// <summary>Delivers <paramref name="domainEvent"/> to every handler of its type and, for named events,
    /// of its name. Returns when every handler has finished (handlers should hand off slow work).</summary>
    ValueTask PublishAsync(object domainEvent, CancellationToken cancellationToken = default);

    /// <summary>Handles every published event assignable to <typeparamref name="TEvent"/>.</summary>
    IDisposable Subscribe<TEvent>(Func<TEvent, CancellationToken, ValueTask> handler) where TEvent : class;

    /// <summary>Handles named events (<see cref="INamedDomainEvent"/>) whose name is <paramref name="eventName"/>,
    /// or all named events when it is <c>*</c>.</summary>
    IDisposable Subscribe(string eventName, Func<INamedDomainEvent, CancellationToken, ValueTask> handler);

    /// <summary>Handlers that threw since start-up.</summary>
    long HandlerFailures { get; }
}

/// <summary>An event that can also be subscribed to by name, such as <c>projects.project.changed</c>.</summary>
public interface INamedDomainEvent
{
    string Name { get; }
}
