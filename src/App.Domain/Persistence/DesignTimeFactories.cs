using App.Domain.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace App.Domain.Persistence;

// Used by `dotnet ef migrations add`: no server is contacted, so the MySQL server version is explicit.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAppDbContext>
{
    public SqliteAppDbContext CreateDbContext(string[] args) =>
        new(DatabaseSettings.Sqlite("design-time.db").Configure(new DbContextOptionsBuilder<SqliteAppDbContext>()).Options,
            new DomainEventBus());
}

internal sealed class MySqlDesignTimeFactory : IDesignTimeDbContextFactory<MySqlAppDbContext>
{
    public MySqlAppDbContext CreateDbContext(string[] args) =>
        new(DatabaseSettings.MySql("Server=localhost;Database=design;User=design;Password=design", "10.11.0-mariadb")
                .Configure(new DbContextOptionsBuilder<MySqlAppDbContext>()).Options,
            new DomainEventBus());
}
