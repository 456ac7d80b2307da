using App.Domain;
using App.Domain.Persistence;
using App.Web.Configuration;
using Microsoft.AspNetCore.DataProtection;

namespace App.Web.Persistence;

public static class PersistenceExtensions
{
    /// <summary>The database chosen by DB_PROVIDER, the domain services on top of it, and data-protection
    /// keys on disk (so cookies survive restarts and are shared by instances pointed at the same folder).</summary>
    public static IServiceCollection AddPersistence(this IServiceCollection services, AppSettings settings)
    {
        services.AddAppPersistence(settings.Database);
        services.AddAppDomain(settings.OperatorEmails);
        try
        {
            Directory.CreateDirectory(settings.DataProtectionKeysPath);
        }
        catch (Exception ex)
        {
            throw new StartupException($"DATA_PROTECTION_KEYS_PATH: cannot create {settings.DataProtectionKeysPath}: {ex.Message}", ex);
        }
        services.AddDataProtection()
            .SetApplicationName("App.Web")
            .PersistKeysToFileSystem(new DirectoryInfo(settings.DataProtectionKeysPath));
        return services;
    }
}
