using App.Domain.Common;

namespace App.Domain.Events;

/// <summary>
/// What one domain-service method publishes when it succeeds. Functions of the arguments are evaluated
/// (and validated) BEFORE the method runs, so a bad value stops the mutation; functions of the result
/// are evaluated after it, and a failure there is logged and counted, never undoing the committed work.
/// </summary>
public sealed class EntityChangeDeclaration
{
    internal string? Source { get; private set; }
    internal string? Entity { get; private set; }
    internal string? EventName { get; private set; }
    internal Func<DomainCall, EntityOperation>? OperationOf { get; private set; }
    internal Func<DomainCall, string>? EntityIdOf { get; private set; }
    internal Func<DomainCall, string>? EntityIdOfResult { get; private set; }
    internal Func<DomainCall, EventScope>? ScopeOf { get; private set; }
    internal Func<DomainCall, string?>? ActionOf { get; private set; }
    internal Func<DomainCall, string?>? ReasonOf { get; private set; }
    internal Func<DomainCall, object?>? PayloadOf { get; private set; }
    internal Func<DomainCall, object?>? PayloadOfResult { get; private set; }

    public EntityChangeDeclaration Publishes(string source, string entity, string eventName, EntityOperation operation)
    {
        Source = RealtimeEventNames.RequireToken(source, "source");
        Entity = RealtimeEventNames.RequireToken(entity, "entity");
        EventName = RealtimeEventNames.RequireEvent(eventName);
        if (!Enum.IsDefined(operation))
            throw new ArgumentException($"Invalid operation '{operation}' for '{eventName}': use Created, Updated or Deleted.");
        OperationOf = _ => operation;
        return this;
    }

    /// <summary>An operation that depends on the arguments (checked before the call).</summary>
    public EntityChangeDeclaration Operation(Func<DomainCall, EntityOperation> operation)
    {
        OperationOf = operation;
        return this;
    }

    public EntityChangeDeclaration EntityId(Func<DomainCall, string> entityId)
    {
        EntityIdOf = entityId;
        return this;
    }

    public EntityChangeDeclaration EntityIdFromResult(Func<DomainCall, string> entityId)
    {
        EntityIdOfResult = entityId;
        return this;
    }

    public EntityChangeDeclaration Scope(Func<DomainCall, EventScope> scope)
    {
        ScopeOf = scope;
        return this;
    }

    public EntityChangeDeclaration Action(string action)
    {
        RealtimeEventNames.RequireToken(action, "action");
        ActionOf = _ => action;
        return this;
    }

    public EntityChangeDeclaration Action(Func<DomainCall, string?> action)
    {
        ActionOf = action;
        return this;
    }

    public EntityChangeDeclaration Reason(Func<DomainCall, string?> reason)
    {
        ReasonOf = reason;
        return this;
    }

    public EntityChangeDeclaration Payload(Func<DomainCall, object?> payload)
    {
        PayloadOf = payload;
        return this;
    }

    public EntityChangeDeclaration PayloadFromResult(Func<DomainCall, object?> payload)
    {
        PayloadOfResult = payload;
        return this;
    }

    /// <summary>Static checks, run when the service is registered.</summary>
    internal void Validate(string where)
    {
        if (EventName is null || OperationOf is null)
            throw new ArgumentException($"{where}: call Publishes(source, entity, eventName, operation).");
        if (EntityIdOf is null == (EntityIdOfResult is null))
            throw new ArgumentException($"{where}: declare exactly one of EntityId or EntityIdFromResult.");
        if (ScopeOf is null)
            throw new ArgumentException($"{where}: declare a Scope: events without one reach nobody.");
        if (PayloadOf is not null && PayloadOfResult is not null)
            throw new ArgumentException($"{where}: declare Payload or PayloadFromResult, not both.");
    }

    /// <summary>Everything computable from the arguments, validated; runs before the method.</summary>
    internal PreparedChange Prepare(DomainCall call, string serviceToken, TimeProvider clock)
    {
        var actor = call.Args.OfType<Actor>().FirstOrDefault();
        var prepared = new PreparedChange(this, call, serviceToken, clock, actor,
            OperationOf!(call), EntityIdOf?.Invoke(call), ScopeOf!(call), ActionOf?.Invoke(call),
            ReasonOf?.Invoke(call), PayloadOf is null ? null : new Box(PayloadOf(call)));
        // Build once with stand-ins for result-derived parts so every argument-derived value is checked now.
        prepared.Build(prepared.EntityId ?? "pending", prepared.Payload?.Value);
        return prepared;
    }

    /// <summary>The entity id of a change published without its result (see <see cref="PreparedChange.Reserve"/>).</summary>
    public const string UnknownEntityId = "unknown";

    internal sealed record Box(object? Value);

    internal sealed record PreparedChange(EntityChangeDeclaration Declaration, DomainCall Call, string ServiceToken,
        TimeProvider Clock, Actor? Actor, EntityOperation Operation, string? EntityId, EventScope Scope,
        string? Action, string? Reason, Box? Payload)
    {
        public EntityChange Complete(object? result)
        {
            var withResult = Call.WithResult(result);
            var entityId = EntityId ?? Declaration.EntityIdOfResult!(withResult);
            var payload = Payload is { } box ? box.Value : Declaration.PayloadOfResult?.Invoke(withResult);
            return Build(entityId, payload);
        }

        /// <summary>True when the entity id or the payload comes from the method's result.</summary>
        public bool DependsOnResult => EntityId is null || Declaration.PayloadOfResult is not null;

        /// <summary>The change as far as the arguments decide it (an entity id from the result is
        /// <see cref="UnknownEntityId"/>, a payload from the result left out): what the outbox holds until the method
        /// returns, and what is published if it never does.</summary>
        public EntityChange Reserve() => Build(EntityId ?? UnknownEntityId, Payload?.Value);

        public EntityChange Build(string entityId, object? payload) =>
            EntityChangePublisher.Build(Declaration.Source!, Declaration.Entity!, Declaration.EventName!,
                ServiceToken, Call.Method.Name, Operation, entityId, Scope, Action, Reason, payload,
                Actor?.UserId, Actor?.OriginId, Clock);
    }
}
