using App.Domain.Persistence;
using App.Web.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace App.Web.Health;

/// <summary>Runs one trivial query; names the provider and location, never the connection string.</summary>
internal sealed class DatabaseHealthCheck(IDbContextFactory<AppDbContext> dbFactory, AppSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var where = $"{settings.Database.Provider} at {settings.Database.Location}";
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var db = await dbFactory.CreateDbContextAsync(timeout.Token);
            return await db.Database.CanConnectAsync(timeout.Token)
                ? HealthCheckResult.Healthy(where)
                : HealthCheckResult.Unhealthy($"{where}: cannot connect");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy($"{where}: {ex.GetType().Name}");
        }
    }
}
