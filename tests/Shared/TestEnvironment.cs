using MySqlConnector;

namespace App.Tests.Shared;

/// <summary>The real services ./scripts/test.sh starts. A test that needs one and cannot find it FAILS with a
/// message saying how to get it: it never skips.</summary>
public static class TestEnvironment
{
    public static string Require(string name, string what) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{what} is not available: {name} is not set. Run ./scripts/test.sh, which starts throwaway servers and sets it.");

    public static string MySqlHost => Require("TEST_MYSQL_HOST", "MariaDB");
    public static int MySqlPort => int.Parse(Require("TEST_MYSQL_PORT", "MariaDB"));
    public static string MySqlUser => Require("TEST_MYSQL_USER", "MariaDB");
    public static string MySqlPassword => Environment.GetEnvironmentVariable("TEST_MYSQL_PASSWORD") ?? "";
    public static string RedisUrl => Require("TEST_REDIS_URL", "Redis");
    public static string RedisServer => Require("TEST_REDIS_SERVER", "redis-server");
    public static string Chromium => Environment.GetEnvironmentVariable("TEST_CHROMIUM") is { Length: > 0 } c
        ? c
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : throw new InvalidOperationException("Chromium is not available: install it (apt-get install chromium) or run ./scripts/test.sh.");

    public static string AdminConnectionString => new MySqlConnectionStringBuilder
    {
        Server = MySqlHost, Port = (uint)MySqlPort, UserID = MySqlUser, Password = MySqlPassword, AllowUserVariables = true,
    }.ConnectionString;
}

/// <summary>A fresh, uniquely named MariaDB database, dropped on dispose.</summary>
public sealed class TestMariaDb : IAsyncDisposable
{
    private TestMariaDb(string name) => Name = name;

    public string Name { get; }

    public string ConnectionString => new MySqlConnectionStringBuilder(TestEnvironment.AdminConnectionString)
    {
        Database = Name,
    }.ConnectionString;

    /// <summary>The app's environment variables for this database.</summary>
    public IReadOnlyDictionary<string, string> AppEnvironment => new Dictionary<string, string>
    {
        ["DB_PROVIDER"] = "mysql",
        ["DB_HOST"] = TestEnvironment.MySqlHost,
        ["DB_PORT"] = TestEnvironment.MySqlPort.ToString(),
        ["DB_NAME"] = Name,
        ["DB_USER"] = TestEnvironment.MySqlUser,
        ["DB_PASSWORD"] = TestEnvironment.MySqlPassword,
        ["DB_SERVER_VERSION"] = "10.11.0-mariadb",
    };

    /// <summary>Reserves a name; the database itself is created by the caller (or by migrations).</summary>
    public static TestMariaDb NewName() => new("t_" + Guid.NewGuid().ToString("N")[..20]);

    public static async Task<TestMariaDb> CreateAsync()
    {
        var db = NewName();
        await db.ExecuteAsync($"CREATE DATABASE `{db.Name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        return db;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(TestEnvironment.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS `{Name}`");
        }
        catch (MySqlException)
        {
            // The server may already be gone at the end of a run; the throwaway data dir goes with it.
        }
    }
}
