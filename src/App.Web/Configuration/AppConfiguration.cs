using System.Globalization;
using App.Domain.Persistence;
using MySqlConnector;

namespace App.Web.Configuration;

/// <summary>Reads configuration in this order (first wins): real environment variables, <c>.env</c> in the
/// working directory, <c>appsettings*.json</c>. Any invalid value stops start-up with one line naming it.</summary>
public static class AppConfiguration
{
    /// <summary>Loads <c>.env</c> from the working directory (or, inside a checkout, from the folder holding
    /// App.sln, since `dotnet run --project src/App.Web` runs in the project folder) without overwriting real
    /// environment variables. Must run before the host builder reads the environment.</summary>
    public static void LoadDotEnv()
    {
        var path = FindDotEnv(Directory.GetCurrentDirectory());
        if (path is null) return;
        try
        {
            DotNetEnv.Env.NoClobber().Load(path);
        }
        catch (Exception ex)
        {
            throw new StartupException($".env could not be read ({path}): {ex.Message}", ex);
        }
    }

    private static string? FindDotEnv(string start)
    {
        var here = Path.Combine(start, ".env");
        if (File.Exists(here)) return here;
        var dir = new DirectoryInfo(start).Parent;
        for (var level = 0; dir is not null && level < 3; level++, dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "App.sln")))
                return File.Exists(Path.Combine(dir.FullName, ".env")) ? Path.Combine(dir.FullName, ".env") : null;
        return null;
    }

    public static AppSettings AddAppSettings(this WebApplicationBuilder builder)
    {
        AddAppFolderJson(builder);
        // Serve wwwroot and package assets (MudBlazor) from a build output too, in any environment;
        // published output has no runtime manifest and is unaffected.
        builder.WebHost.UseStaticWebAssets();
        var settings = Read(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(settings);
        return settings;
    }

    /// <summary>When started from another working directory (e.g. `dotnet /opt/app/App.Web.dll`), still read
    /// the appsettings files shipped next to the dll, below every other source.</summary>
    private static void AddAppFolderJson(WebApplicationBuilder builder)
    {
        var appFolder = AppContext.BaseDirectory;
        if (Path.GetFullPath(builder.Environment.ContentRootPath).TrimEnd('/') == Path.GetFullPath(appFolder).TrimEnd('/')) return;
        var provider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(appFolder);
        var sources = builder.Configuration.Sources;
        sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            FileProvider = provider, Path = $"appsettings.{builder.Environment.EnvironmentName}.json", Optional = true,
        });
        sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            FileProvider = provider, Path = "appsettings.json", Optional = true,
        });
    }

    public static AppSettings Read(IConfiguration config, IHostEnvironment env)
    {
        var dataPath = Path.GetFullPath(Get(config, "APP_DATA_PATH") ?? "App_Data", env.ContentRootPath);
        var provider = (Get(config, "DB_PROVIDER") ?? "sqlite").ToLowerInvariant();
        var database = provider switch
        {
            "sqlite" => Sqlite(config, env, dataPath),
            "mysql" or "mariadb" => MySql(config),
            _ => throw new StartupException($"DB_PROVIDER='{Get(config, "DB_PROVIDER")}' is not supported: use sqlite or mysql."),
        };
        var autoMigrate = Bool(config, "DB_AUTO_MIGRATE")
                          ?? (database.Provider == DatabaseProvider.Sqlite || env.IsDevelopment());
        var tenancy = (Get(config, "TENANCY_MODE") ?? "personal").ToLowerInvariant();
        if (tenancy != "personal")
            throw new StartupException(tenancy == "workspaces"
                ? "TENANCY_MODE=workspaces is not available yet: use personal."
                : $"TENANCY_MODE='{tenancy}' is not supported: use personal.");
        var redisUrl = Get(config, "REALTIME_REDIS_URL");
        if (redisUrl is not null) ValidateRedis(redisUrl);
        var relayKey = Get(config, "REALTIME_RELAY_KEY");
        if (redisUrl is not null && !App.Realtime.Redis.RelaySignature.IsStrongEnough(relayKey))
            throw new StartupException(relayKey is null
                ? "REALTIME_REDIS_URL is set but REALTIME_RELAY_KEY is not: set the same random secret of at least 32 characters on every instance (e.g. openssl rand -base64 32)."
                : $"REALTIME_RELAY_KEY is too short ({relayKey.Length} characters): use a random secret of at least {App.Realtime.Redis.RelaySignature.MinimumKeyLength} (e.g. openssl rand -base64 32).");
        var prefix = Get(config, "REALTIME_REDIS_PREFIX") ?? "app";
        if (!prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || prefix.Length > 64)
            throw new StartupException($"REALTIME_REDIS_PREFIX='{prefix}' may only contain letters, digits, '-', '_' and '.'.");
        var origins = (Get(config, "REALTIME_ALLOWED_ORIGINS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var origin in origins)
            if (!App.Realtime.RealtimeOptions.IsOrigin(origin))
                throw new StartupException($"REALTIME_ALLOWED_ORIGINS contains '{origin}', which is not an origin such as https://app.example.com.");
        var emails = (Get(config, "OPERATOR_EMAILS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var email in emails)
            if (!email.Contains('@'))
                throw new StartupException($"OPERATOR_EMAILS contains '{email}', which is not an email address.");

        return new AppSettings
        {
            Database = database,
            AutoMigrate = autoMigrate,
            DatabaseConnectTimeout = TimeSpan.FromSeconds(Int(config, "DB_CONNECT_TIMEOUT", 5, 1, 120)),
            DataPath = dataPath,
            DataProtectionKeysPath = Path.GetFullPath(Get(config, "DATA_PROTECTION_KEYS_PATH") ?? Path.Combine(dataPath, "keys"), env.ContentRootPath),
            RealtimeRedisUrl = redisUrl,
            RealtimeRedisPrefix = prefix,
            RealtimeRelayKey = relayKey,
            RealtimeStreamLength = Int(config, "REALTIME_REDIS_STREAM_LENGTH", 10_000, 100, 10_000_000),
            RealtimeAllowedOrigins = origins,
            TenancyMode = tenancy,
            SseHeartbeat = TimeSpan.FromSeconds(Int(config, "REALTIME_SSE_HEARTBEAT_SECONDS", 15, 1, 300)),
            SseTokenLifetime = TimeSpan.FromSeconds(Int(config, "REALTIME_SSE_TOKEN_SECONDS", 60, 1, 3600)),
            AccessTokenLifetime = TimeSpan.FromSeconds(Int(config, "REALTIME_ACCESS_TOKEN_SECONDS", 3600, 5, 86_400)),
            PauseHiddenAfter = TimeSpan.FromSeconds(Int(config, "REALTIME_PAUSE_HIDDEN_SECONDS", 120, 0, 86_400)),
            SessionLifetime = TimeSpan.FromSeconds(Int(config, "AUTH_SESSION_SECONDS", 14 * 86_400, 10, 366 * 86_400)),
            BenchEndpoints = Bool(config, "REALTIME_BENCH_ENDPOINTS") ?? false,
            JobStepDelay = TimeSpan.FromMilliseconds(Int(config, "JOBS_STEP_DELAY_MS", 0, 0, 60_000)),
            OperatorEmails = emails,
            TrustLoopback = Bool(config, "OPS_TRUST_LOOPBACK") ?? true,
            MinFreeDiskMb = Int(config, "HEALTH_MIN_FREE_DISK_MB", 500, 0, 10_000_000),
            RateLimits = App.Web.RateLimiting.RateLimitSettings.Read(config),
            OtlpEndpoint = OtlpEndpoint(config),
            ServiceName = Get(config, "OTEL_SERVICE_NAME") ?? "app-web",
        };
    }

    private static DatabaseSettings Sqlite(IConfiguration config, IHostEnvironment env, string dataPath)
    {
        var path = Path.GetFullPath(Get(config, "SQLITE_PATH") ?? Path.Combine(dataPath, "app.db"), env.ContentRootPath);
        return DatabaseSettings.Sqlite(path);
    }

    private static DatabaseSettings MySql(IConfiguration config)
    {
        var host = Get(config, "DB_HOST")
                   ?? throw new StartupException("DB_PROVIDER=mysql needs DB_HOST (the MySQL/MariaDB server's name or address).");
        var port = Int(config, "DB_PORT", 3306, 1, 65535);
        var version = Get(config, "DB_SERVER_VERSION") ?? "10.11.0-mariadb";
        try
        {
            Microsoft.EntityFrameworkCore.ServerVersion.Parse(version);
        }
        catch (Exception)
        {
            throw new StartupException($"DB_SERVER_VERSION='{version}' is not a server version such as 10.11.0-mariadb or 8.0.36-mysql.");
        }
        var connection = new MySqlConnectionStringBuilder
        {
            Server = host,
            Port = (uint)port,
            Database = Get(config, "DB_NAME") ?? "app",
            UserID = Get(config, "DB_USER") ?? "app",
            Password = Get(config, "DB_PASSWORD") ?? "",
            ConnectionTimeout = (uint)Int(config, "DB_CONNECT_TIMEOUT", 5, 1, 120),
            AllowUserVariables = true,
        };
        return DatabaseSettings.MySql(connection.ConnectionString, version) with { Location = $"{host}:{port}" };
    }

    private static Uri? OtlpEndpoint(IConfiguration config)
    {
        var raw = Get(config, "OTEL_EXPORTER_OTLP_ENDPOINT");
        if (raw is null) return null;
        return Uri.TryCreate(raw, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new StartupException($"OTEL_EXPORTER_OTLP_ENDPOINT='{raw}' must be an http(s) URL such as http://collector:4317.");
    }

    private static void ValidateRedis(string url)
    {
        try
        {
            App.Realtime.Redis.RedisAddress.Parse(url);
        }
        catch (Exception ex)
        {
            throw new StartupException($"REALTIME_REDIS_URL is not a Redis address such as 127.0.0.1:6379: {ex.Message}");
        }
    }

    private static string? Get(IConfiguration config, string key)
    {
        var value = config[key];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private static int Int(IConfiguration config, string key, int fallback, int min, int max)
    {
        var raw = Get(config, key);
        if (raw is null) return fallback;
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new StartupException($"{key}='{raw}' must be a whole number from {min} to {max}.");
        return value;
    }

    private static bool? Bool(IConfiguration config, string key)
    {
        var raw = Get(config, key);
        return raw?.ToLowerInvariant() switch
        {
            null => null,
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            _ => throw new StartupException($"{key}='{raw}' must be true or false."),
        };
    }
}
