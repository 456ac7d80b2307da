using System.Runtime.CompilerServices;

namespace App.Domain.Events;

/// <summary>
/// The publisher helper for a domain service. Create it once per service with the static parts
/// (validated immediately), then stage a change per mutation: the dynamic parts are validated before
/// the mutation is saved, and the event leaves only after the transaction commits.
/// <code>
/// static readonly EntityChangePublisher Changed =
///     EntityChangePublisher.Create("projects", "project", "projects.project.changed", "projects.service");
/// Changed.Stage(db, EntityOperation.Updated, project.Id.ToString(),
///     new() { Scope = EventScope.Workspace(project.WorkspaceId), Action = "closed", Payload = dto, Actor = actor });
/// await db.SaveChangesAsync(ct);
/// </code>
/// </summary>
public sealed class EntityChangePublisher
{
    public const int ReasonMaxLength = 500;

    private EntityChangePublisher(string source, string entity, string eventName, string serviceToken, TimeProvider clock)
    {
        Source = source;
        Entity = entity;
        EventName = eventName;
        ServiceToken = serviceToken;
        Clock = clock;
    }

    public string Source { get; }
    public string Entity { get; }
    public string EventName { get; }
    public string ServiceToken { get; }
    private TimeProvider Clock { get; }

    public static EntityChangePublisher Create(string source, string entity, string eventName, string serviceToken,
        TimeProvider? clock = null) =>
        new(RealtimeEventNames.RequireToken(source, "source"),
            RealtimeEventNames.RequireToken(entity, "entity"),
            RealtimeEventNames.RequireEvent(eventName),
            RealtimeEventNames.RequireEvent(serviceToken, "service token"),
            clock ?? TimeProvider.System);

    /// <summary>Validates and builds the change without publishing it.</summary>
    public EntityChange Prepare(EntityOperation operation, string entityId, EntityChangeOptions options,
        [CallerMemberName] string method = "")
    {
        ArgumentNullException.ThrowIfNull(options);
        return Build(Source, Entity, EventName, ServiceToken, method, operation, entityId, options.Scope,
            options.Action, options.Reason, options.Payload, options.Actor?.UserId, options.Actor?.OriginId, Clock);
    }

    /// <summary>Validates now; publishes when <paramref name="outbox"/> commits.</summary>
    public EntityChange Stage(IEntityChangeOutbox outbox, EntityOperation operation, string entityId,
        EntityChangeOptions options, [CallerMemberName] string method = "")
    {
        ArgumentNullException.ThrowIfNull(outbox);
        // The outbox keeps this id for every dispatch of the event, so the caller holds what receivers get.
        var change = Prepare(operation, entityId, options, method) with { EventId = Guid.NewGuid().ToString("N") };
        outbox.Stage(change);
        return change;
    }

    /// <summary>Publishes at once: only for work that has already committed (or has no database work).</summary>
    public async ValueTask<EntityChange> PublishAsync(IDomainEvents events, EntityOperation operation, string entityId,
        EntityChangeOptions options, [CallerMemberName] string method = "")
    {
        var change = Prepare(operation, entityId, options, method);
        await events.PublishAsync(change);
        return change;
    }

    /// <summary>The one place every entity change is validated, whichever publishing style built it.</summary>
    internal static EntityChange Build(string source, string entity, string eventName, string? serviceToken,
        string? method, EntityOperation operation, string? entityId, EventScope scope, string? action, string? reason,
        object? payload, string? actorId, string? originId, TimeProvider clock)
    {
        if (!Enum.IsDefined(operation))
            throw new ArgumentException(
                $"Invalid operation '{operation}' for '{eventName}': use Created, Updated or Deleted and put lifecycle steps in Action.");
        if (string.IsNullOrWhiteSpace(entityId) || entityId.Length > 128)
            throw new ArgumentException($"'{eventName}' needs an entity id of 1 to 128 characters.");
        if (!scope.IsKnown)
            throw new ArgumentException($"'{eventName}' needs a known scope (global, user or workspace).");
        if (action is not null) RealtimeEventNames.RequireToken(action, "action");
        if (reason is { Length: > ReasonMaxLength })
            throw new ArgumentException($"The reason of '{eventName}' must be at most {ReasonMaxLength} characters.");
        return new EntityChange
        {
            Source = source,
            Entity = entity,
            Operation = operation,
            EntityId = entityId,
            Scope = scope,
            Action = action,
            Reason = reason,
            Payload = RealtimePayload.Snapshot(payload, eventName),
            Name = eventName,
            ActorId = actorId,
            OriginId = originId,
            ServiceToken = serviceToken,
            Method = method,
            OccurredAt = clock.GetUtcNow(),
        };
    }
}
