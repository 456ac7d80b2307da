using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace App.Domain.Persistence;

public static class PersistenceRegistration
{
    /// <summary>
    /// Registers <see cref="IDbContextFactory{AppDbContext}"/> (domain services create one context per
    /// operation, which suits long-lived Blazor circuits) and a scoped <see cref="AppDbContext"/> (Identity's stores).
    /// </summary>
    public static IServiceCollection AddAppPersistence(this IServiceCollection services, DatabaseSettings settings)
    {
        services.AddSingleton(settings);
        switch (settings.Provider)
        {
            case DatabaseProvider.Sqlite:
                Register<SqliteAppDbContext>(services, settings);
                break;
            case DatabaseProvider.MySql:
                Register<MySqlAppDbContext>(services, settings);
                break;
        }
        return services;
    }

    private static void Register<TContext>(IServiceCollection services, DatabaseSettings settings) where TContext : AppDbContext
    {
        services.AddDbContextFactory<TContext>(settings.Configure);
        services.AddSingleton<IDbContextFactory<AppDbContext>>(sp =>
            new UpcastFactory<TContext>(sp.GetRequiredService<IDbContextFactory<TContext>>()));
        services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<TContext>());
    }

    private sealed class UpcastFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<AppDbContext>
        where TContext : AppDbContext
    {
        public AppDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<AppDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }
}
