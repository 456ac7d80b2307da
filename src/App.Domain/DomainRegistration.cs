using App.Domain.Activity;
using App.Domain.Audit;
using App.Domain.Console;
using App.Domain.Events;
using App.Domain.Projects;
using App.Domain.Users;
using App.Domain.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace App.Domain;

public static class DomainRegistration
{
    /// <summary>The event bus and every domain service. Persistence is added separately
    /// (<see cref="Persistence.PersistenceRegistration.AddAppPersistence"/>).</summary>
    public static IServiceCollection AddAppDomain(this IServiceCollection services, IEnumerable<string> operatorEmails)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDomainEvents, DomainEventBus>();
        services.AddSingleton(new OperatorPolicy(operatorEmails));
        services.AddSingleton<WorkspaceDirectory>();
        services.AddSingleton<WorkspaceSharing>();
        services.AddSingleton<WorkspaceActivity>();
        services.AddSingleton<ProjectService>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<ConsoleDirectory>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<DemoPings>();
        services.AddSingleton<Outbox.OutboxStore>();
        services.AddSingleton<OperatorExports>();
        services.AddScoped<PersonalSignUp>();
        WorkspaceMembers.Register(services);
        return services;
    }
}
