using App.Domain;
using App.Domain.Persistence;
using App.Domain.Users;
using App.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Infrastructure;

/// <summary>
/// One fresh database per test class and provider: a SQLite file, and a new database on the real MariaDB
/// started by ./scripts/test.sh. Each is built on first use, so a missing MariaDB fails the MySQL cases
/// (with a message saying why) and leaves the SQLite cases running.
/// </summary>
public sealed class DatabaseFixture : IAsyncLifetime, IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string MySql = "mysql";

    private readonly string sqliteDir = Path.Combine(Path.GetTempPath(), "app-unit-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Lazy<Task<ServiceProvider>> sqlite;
    private readonly Lazy<Task<ServiceProvider>> mysql;
    private TestMariaDb? mariaDb;

    public DatabaseFixture()
    {
        sqlite = new(() => BuildAsync(DatabaseSettings.Sqlite(Path.Combine(sqliteDir, "test.db"))));
        mysql = new(() =>
        {
            mariaDb = TestMariaDb.NewName();
            return BuildAsync(DatabaseSettings.MySql(mariaDb.ConnectionString, "10.11.0-mariadb") with { Location = mariaDb.Name });
        });
    }

    public static TheoryData<string> Providers => new() { Sqlite, MySql };

    /// <summary>Operator emails configured for the services built by this fixture.</summary>
    public IReadOnlyList<string> OperatorEmails { get; init; } = [];

    public Task<ServiceProvider> ServicesAsync(string provider) => provider switch
    {
        Sqlite => sqlite.Value,
        MySql => mysql.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    private async Task<ServiceProvider> BuildAsync(DatabaseSettings settings)
    {
        Directory.CreateDirectory(sqliteDir);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAppPersistence(settings);
        services.AddAppDomain(OperatorEmails);
        services.AddIdentityCore<AppUser>(AccountRules.Configure).AddEntityFrameworkStores<AppDbContext>();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.MigrateAsync();
        return provider;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public async Task DisposeAsync()
    {
        if (sqlite.IsValueCreated && sqlite.Value.IsCompletedSuccessfully) await sqlite.Value.Result.DisposeAsync();
        if (mysql.IsValueCreated && mysql.Value.IsCompletedSuccessfully) await mysql.Value.Result.DisposeAsync();
        if (mariaDb is not null) await mariaDb.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(sqliteDir, recursive: true); } catch (IOException) { }
    }
}
