using App.Domain.Persistence;
using App.Web.Configuration;
using Microsoft.EntityFrameworkCore;
using MySqlConnector;

namespace App.Web.Persistence;

/// <summary>Checks the database is reachable and its schema current before the app serves anything.</summary>
public static class DatabaseStartup
{
    /// <summary>Reach the database (one clear line if not), then migrate or refuse to start on pending migrations.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, bool migrateOnly = false)
    {
        var settings = app.Services.GetRequiredService<AppSettings>();
        await EnsureReachableAsync(settings, createAllowed: migrateOnly || settings.AutoMigrate);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        if (pending.Count == 0) return;
        if (!migrateOnly && !settings.AutoMigrate)
            throw new StartupException(
                $"the database at {settings.Database.Location} has {pending.Count} pending migration(s) and DB_AUTO_MIGRATE is off: " +
                "run `dotnet App.Web.dll migrate` (or `dotnet run --project src/App.Web -- migrate`) first, or set DB_AUTO_MIGRATE=true.");
        await db.Database.MigrateAsync();
        app.Logger.LogInformation("Applied {Count} migration(s) to {Location}", pending.Count, settings.Database.Location);
    }

    // createAllowed: `migrate` and auto-migration create a missing MySQL database (EF Core's Migrate does); a plain
    // start must not, so a typo in DB_NAME is reported instead of silently starting on an empty database.
    private static async Task EnsureReachableAsync(AppSettings settings, bool createAllowed)
    {
        var database = settings.Database;
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(database.Location)!);
            }
            catch (Exception ex)
            {
                throw new StartupException($"SQLITE_PATH: cannot create the folder for {database.Location}: {ex.Message}");
            }
            return;
        }

        var builder = new MySqlConnectionStringBuilder(database.ConnectionString);
        var databaseName = builder.Database;
        // Connect to the server first, so "server down" and "database missing" are told apart.
        builder.Database = "";
        try
        {
            await using var connection = new MySqlConnection(builder.ConnectionString);
            using var timeout = new CancellationTokenSource(settings.DatabaseConnectTimeout + TimeSpan.FromSeconds(1));
            await connection.OpenAsync(timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @name";
            command.Parameters.AddWithValue("@name", databaseName);
            var exists = Convert.ToInt64(await command.ExecuteScalarAsync(timeout.Token)) > 0;
            if (!exists && !createAllowed)
                throw new StartupException(
                    $"the database '{databaseName}' does not exist on {database.Location}: create it, or run `dotnet App.Web.dll migrate`, or set DB_AUTO_MIGRATE=true.");
        }
        catch (MySqlException ex) when (ex.ErrorCode is MySqlErrorCode.AccessDenied)
        {
            throw new StartupException($"the MySQL server at {database.Location} refused DB_USER '{builder.UserID}': check DB_USER and DB_PASSWORD.", ex);
        }
        catch (Exception ex) when (ex is MySqlException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            throw new StartupException(
                $"cannot reach the MySQL database at {database.Location} ({FirstLine(ex.Message)}): check DB_HOST and DB_PORT and that the server is running.", ex);
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
