using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.Domain.Events;

public static class DomainServiceRegistration
{
    /// <summary>
    /// Registers <typeparamref name="TImplementation"/> as <typeparamref name="TService"/>, decorated so each
    /// declared method publishes its entity change after it succeeds. A bad declaration throws here.
    /// <code>
    /// services.AddDomainService&lt;IWorkspaceMembers, WorkspaceMembers&gt;("workspaces.members", s => s
    ///     .Method(nameof(IWorkspaceMembers.AddAsync), e => e
    ///         .Publishes("workspaces", "membership", "workspaces.membership.changed", EntityOperation.Created)
    ///         .EntityId(c => c.Arg&lt;Guid&gt;("workspaceId") + ":" + c.Arg&lt;string&gt;("userId"))
    ///         .Scope(c => EventScope.User(c.Arg&lt;string&gt;("userId")))
    ///         .Action("member-added")));
    /// </code>
    /// </summary>
    public static IServiceCollection AddDomainService<TService, TImplementation>(this IServiceCollection services,
        string serviceToken, Action<DomainServiceDeclaration<TService>> declare,
        ServiceLifetime lifetime = ServiceLifetime.Scoped)
        where TService : class
        where TImplementation : class, TService
    {
        if (!typeof(TService).IsInterface)
            throw new ArgumentException($"{typeof(TService).Name}: declared domain services are registered by interface.");
        var declaration = new DomainServiceDeclaration<TService>(serviceToken);
        declare(declaration);
        services.Add(new ServiceDescriptor(typeof(TImplementation), typeof(TImplementation), lifetime));
        services.Add(new ServiceDescriptor(typeof(TService), sp => EntityChangeDecorator<TService>.Create(
            sp.GetRequiredService<TImplementation>(), declaration, sp.GetRequiredService<IDomainEvents>(),
            (ILogger?)sp.GetService<ILoggerFactory>()?.CreateLogger(typeof(TService).Name) ?? NullLogger.Instance,
            sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetService<Outbox.OutboxStore>()), lifetime));
        return services;
    }
}
