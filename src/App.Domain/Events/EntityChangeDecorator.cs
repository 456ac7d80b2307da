using System.Collections.Concurrent;
using System.Reflection;
using App.Domain.Outbox;
using Microsoft.Extensions.Logging;

namespace App.Domain.Events;

/// <summary>
/// Wraps a domain service so that each declared method publishes its entity change after the method succeeds
/// and its unit of work committed (<see cref="DomainCallUnitOfWork"/>): the same guarantee as
/// <see cref="EntityChangePublisher"/>'s staged events, durable in the outbox the same way. A method that throws
/// before committing, or whose database work rolled back, publishes nothing; one that committed and then never
/// returned (threw, or its process died) is published by the outbox sweep as far as its arguments decide it.
/// </summary>
public class EntityChangeDecorator<TService> : DispatchProxy where TService : class
{
    private static readonly ConcurrentDictionary<Type, MethodInfo> Awaiters = new();
    private static readonly MethodInfo AwaitTyped =
        typeof(EntityChangeDecorator<TService>).GetMethod(nameof(AwaitAndPublishTyped), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private TService inner = null!;
    private DomainServiceDeclaration<TService> declaration = null!;
    private IDomainEvents events = null!;
    private ILogger logger = null!;
    private TimeProvider clock = null!;
    private OutboxStore? outbox;
    private static long completionFailures;

    /// <summary>Result-derived values that failed after a committed call (logged; the work stands).</summary>
    public static long CompletionFailures => Interlocked.Read(ref completionFailures);

    public static TService Create(TService inner, DomainServiceDeclaration<TService> declaration, IDomainEvents events,
        ILogger logger, TimeProvider clock, OutboxStore? outbox = null)
    {
        var proxy = Create<TService, EntityChangeDecorator<TService>>();
        var self = (EntityChangeDecorator<TService>)(object)proxy;
        self.inner = inner;
        self.declaration = declaration;
        self.events = events;
        self.logger = logger;
        self.clock = clock;
        self.outbox = outbox;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        args ??= [];
        if (!declaration.Methods.TryGetValue(targetMethod, out var declared)) return Call(targetMethod, args);

        // Validate everything the arguments decide before the mutation runs.
        EntityChangeDeclaration.PreparedChange prepared;
        try
        {
            prepared = declared.Prepare(new DomainCall(targetMethod, args), declaration.ServiceToken, clock);
        }
        catch (ArgumentException ex)
        {
            var failed = new ArgumentException($"{typeof(TService).Name}.{targetMethod.Name} was not run: {ex.Message}", ex);
            return targetMethod.ReturnType == typeof(Task)
                ? Task.FromException(failed)
                : FromException(targetMethod.ReturnType, failed);
        }

        var (task, unit) = DomainCallUnitOfWork.Observe(() => (Task)Call(targetMethod, args)!, prepared);
        if (targetMethod.ReturnType == typeof(Task)) return AwaitAndPublish(task, prepared, unit);
        var resultType = targetMethod.ReturnType.GetGenericArguments()[0];
        var awaiter = Awaiters.GetOrAdd(resultType, t => AwaitTyped.MakeGenericMethod(t));
        return awaiter.Invoke(this, [task, prepared, unit]);
    }

    private object? Call(MethodInfo method, object?[] args)
    {
        try
        {
            return method.Invoke(inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }

    private async Task AwaitAndPublish(Task task, EntityChangeDeclaration.PreparedChange prepared, DomainCallUnitOfWork unit)
    {
        await task;
        await PublishAsync(prepared, null, unit);
    }

    private async Task<T> AwaitAndPublishTyped<T>(Task task, EntityChangeDeclaration.PreparedChange prepared, DomainCallUnitOfWork unit)
    {
        var result = await (Task<T>)task;
        await PublishAsync(prepared, result, unit);
        return result;
    }

    private async Task PublishAsync(EntityChangeDeclaration.PreparedChange prepared, object? result, DomainCallUnitOfWork unit)
    {
        if (!unit.MayPublish)
        {
            logger.LogInformation("{Service}.{Method} returned but its database work rolled back: nothing published",
                typeof(TService).Name, prepared.Call.Method.Name);
            return;
        }
        EntityChange change;
        try
        {
            change = prepared.Complete(result);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref completionFailures);
            logger.LogError(ex, "{Service}.{Method} committed but its entity change could not be built",
                typeof(TService).Name, prepared.Call.Method.Name);
            return;
        }
        if (unit.ReservedEventId is { } eventId)
        {
            // The call's save wrote the change's outbox row: publish under its id, with the row completed first so
            // a sweep never sends the reserved version of a change whose result is known.
            change = change with { EventId = eventId };
            if (prepared.DependsOnResult && outbox is not null) await CompleteRowAsync(eventId, change);
        }
        await events.PublishAsync(change);
    }

    private async Task CompleteRowAsync(string eventId, EntityChange change)
    {
        try
        {
            await outbox!.CompleteAsync(eventId, OutboxBody.Write(change));
        }
        catch (Exception ex)
        {
            // Published anyway; a sweep may later send the reserved version too (receivers route the id once).
            logger.LogError(ex, "The outbox row {EventId} of a committed {Service} call could not be completed", eventId, typeof(TService).Name);
        }
    }

    private static object FromException(Type taskType, Exception ex)
    {
        var resultType = taskType.GetGenericArguments()[0];
        var source = Activator.CreateInstance(typeof(TaskCompletionSource<>).MakeGenericType(resultType))!;
        source.GetType().GetMethod(nameof(TaskCompletionSource.SetException), [typeof(Exception)])!.Invoke(source, [ex]);
        return source.GetType().GetProperty(nameof(TaskCompletionSource.Task))!.GetValue(source)!;
    }
}
