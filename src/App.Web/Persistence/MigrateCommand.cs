using App.Web.Configuration;

namespace App.Web.Persistence;

/// <summary><c>dotnet App.Web.dll migrate</c> (the <c>db:migrate</c> counterpart): applies pending migrations,
/// creating the database if needed, prints where, and exits 0 without serving anything.</summary>
public static class MigrateCommand
{
    public static bool IsRequested(string[] args) => args.Contains("migrate", StringComparer.Ordinal);

    public static async Task<int> RunMigrateCommandAsync(this WebApplication app)
    {
        await app.PrepareDatabaseAsync(migrateOnly: true);
        var settings = app.Services.GetRequiredService<AppSettings>();
        System.Console.WriteLine($"Database at {settings.Database.Location} is up to date.");
        return 0;
    }
}
