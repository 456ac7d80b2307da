using App.Domain.Persistence;

namespace App.Web.Configuration;

/// <summary>Every setting the app reads, validated once at start-up. See .env.example for each variable.</summary>
public sealed record AppSettings
{
    public required DatabaseSettings Database { get; init; }
    /// <summary>Apply pending migrations at start-up (always for SQLite; for MySQL only when asked or in Development).</summary>
    public required bool AutoMigrate { get; init; }
    public required TimeSpan DatabaseConnectTimeout { get; init; }
    public required string DataPath { get; init; }
    public required string DataProtectionKeysPath { get; init; }
    /// <summary>Empty: in-memory realtime. Set: events fan out across instances through this Redis.</summary>
    public string? RealtimeRedisUrl { get; init; }
    /// <summary>REALTIME_RELAY_KEY: signs relay messages; required (32+ characters) when RealtimeRedisUrl is set.</summary>
    public string? RealtimeRelayKey { get; init; }
    /// <summary>REALTIME_ALLOWED_ORIGINS: browser origins besides the app's own that may open realtime connections.</summary>
    public IReadOnlyList<string> RealtimeAllowedOrigins { get; init; } = [];
    public required string RealtimeRedisPrefix { get; init; }
    /// <summary>REALTIME_REDIS_STREAM_LENGTH (default 10000): about how many events the relay stream keeps, so an instance
    /// cut off from Redis can catch up on that many.</summary>
    public int RealtimeStreamLength { get; init; } = 10_000;
    public required string TenancyMode { get; init; }
    /// <summary>Comment line interval on SSE streams (REALTIME_SSE_HEARTBEAT_SECONDS, default 15).</summary>
    public TimeSpan SseHeartbeat { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>Lifetime of single-use SSE tokens (REALTIME_SSE_TOKEN_SECONDS, default 60).</summary>
    public TimeSpan SseTokenLifetime { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Lifetime of realtime access (bearer) tokens (REALTIME_ACCESS_TOKEN_SECONDS, default 3600); a hub or SSE
    /// connection opened with one ends when it expires.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);
    /// <summary>A tab hidden this long pauses its circuit, freeing it on the server, and resumes when shown
    /// (REALTIME_PAUSE_HIDDEN_SECONDS, default 120; 0 = never).</summary>
    public TimeSpan PauseHiddenAfter { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>How long a sign-in lasts without a request (AUTH_SESSION_SECONDS, default 14 days, sliding); an open
    /// page whose session has expired signs out within 15 s, like every other connection.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromDays(14);
    /// <summary>REALTIME_BENCH_ENDPOINTS=true maps /api/bench/* (loopback only) for bench/; never in production.</summary>
    public bool BenchEndpoints { get; init; }
    /// <summary>Pause after each job progress report (JOBS_STEP_DELAY_MS, default 0): for demos and tests.</summary>
    public TimeSpan JobStepDelay { get; init; } = TimeSpan.Zero;
    public required IReadOnlyList<string> OperatorEmails { get; init; }
    /// <summary>Loopback callers may read /healthz details and /metrics (OPS_TRUST_LOOPBACK, default true).</summary>
    public bool TrustLoopback { get; init; } = true;
    /// <summary>/healthz is down below this much free disk at the data folder (HEALTH_MIN_FREE_DISK_MB, default 500).</summary>
    public long MinFreeDiskMb { get; init; } = 500;
    /// <summary>Every RATE_LIMIT_* setting (docs/operations.md).</summary>
    public App.Web.RateLimiting.RateLimitSettings RateLimits { get; init; } = new();
    /// <summary>OTEL_EXPORTER_OTLP_ENDPOINT: set = metrics and traces are also pushed there over OTLP.</summary>
    public Uri? OtlpEndpoint { get; init; }
    /// <summary>OTEL_SERVICE_NAME (default app-web): the service name on every metric and trace.</summary>
    public string ServiceName { get; init; } = "app-web";
}
