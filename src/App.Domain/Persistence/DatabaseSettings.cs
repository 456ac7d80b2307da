using Microsoft.EntityFrameworkCore;

namespace App.Domain.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    MySql,
}

/// <summary>Which database to use and how to reach it; built from configuration by the host.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, string? ServerVersion = null)
{
    /// <summary>Where it is, for error messages: a file path or host:port (never the password).</summary>
    public string Location { get; init; } = "";

    public static DatabaseSettings Sqlite(string path) =>
        new(DatabaseProvider.Sqlite, $"Data Source={path}") { Location = path };

    public static DatabaseSettings MySql(string connectionString, string serverVersion) =>
        new(DatabaseProvider.MySql, connectionString, serverVersion);

    public DbContextOptionsBuilder<T> Configure<T>(DbContextOptionsBuilder<T> builder) where T : DbContext
    {
        Configure((DbContextOptionsBuilder)builder);
        return builder;
    }

    public void Configure(DbContextOptionsBuilder builder)
    {
        switch (Provider)
        {
            case DatabaseProvider.Sqlite:
                builder.UseSqlite(ConnectionString, o => o.MigrationsAssembly(typeof(AppDbContext).Assembly.FullName));
                break;
            case DatabaseProvider.MySql:
                builder.UseMySql(ConnectionString, Microsoft.EntityFrameworkCore.ServerVersion.Parse(ServerVersion),
                    o => o.MigrationsAssembly(typeof(AppDbContext).Assembly.FullName));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(Provider), Provider, "Unknown database provider.");
        }
    }
}
