using System.Globalization;
using System.Text.RegularExpressions;
using App.Web.Configuration;

namespace App.Web.RateLimiting;

/// <summary>A number of permits per time window, written "10/1m" (s, m or h).</summary>
public sealed record RateWindow(int Permits, TimeSpan Window)
{
    private static readonly Regex Format = new(@"^(\d{1,6})/(\d{1,5})(s|m|h)$", RegexOptions.CultureInvariant);

    public static RateWindow? TryParse(string text)
    {
        var match = Format.Match(text.Trim().ToLowerInvariant());
        if (!match.Success) return null;
        var permits = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var amount = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        var window = match.Groups[3].Value switch
        {
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            _ => TimeSpan.FromHours(amount),
        };
        return permits < 1 || window <= TimeSpan.Zero || window > TimeSpan.FromDays(1) ? null : new RateWindow(permits, window);
    }

    public override string ToString() => $"{Permits}/{(int)Window.TotalSeconds}s";
}

/// <summary>Every rate limit (see docs/operations.md). Read from RATE_LIMIT_* settings (environment, .env or
/// appsettings.json); a bad value stops start-up with one line naming it.</summary>
public sealed record RateLimitSettings
{
    /// <summary>Sign-in attempts (form and POST /api/auth/token) from one client address. Checked first: a refused
    /// attempt never reaches the password check, so it never counts toward the account's lockout.</summary>
    public RateWindow SignInPerIp { get; init; } = new(20, TimeSpan.FromMinutes(1));
    /// <summary>Sign-in attempts for one email, from anywhere.</summary>
    public RateWindow SignInPerAccount { get; init; } = new(10, TimeSpan.FromMinutes(5));
    /// <summary>Registration form posts from one client address.</summary>
    public RateWindow SignUpPerIp { get; init; } = new(10, TimeSpan.FromHours(1));
    /// <summary>Realtime tokens minted (POST /api/realtime/sse-token and /hub-token) by one user.</summary>
    public RateWindow RealtimeTokensPerUser { get; init; } = new(60, TimeSpan.FromMinutes(1));
    /// <summary>Open hub and SSE connections of one user, together.</summary>
    public int ConnectionsPerUser { get; init; } = 20;
    /// <summary>Open Blazor circuits (browser tabs) of one user; anonymous visitors count per address.</summary>
    public int CircuitsPerUser { get; init; } = 20;
    /// <summary>Background jobs started by one user.</summary>
    public RateWindow JobStartsPerUser { get; init; } = new(10, TimeSpan.FromMinutes(1));
    /// <summary>Background jobs started in one workspace, by all its members together.</summary>
    public RateWindow JobStartsPerWorkspace { get; init; } = new(20, TimeSpan.FromMinutes(1));

    public static RateLimitSettings Read(IConfiguration config)
    {
        var defaults = new RateLimitSettings();
        return new RateLimitSettings
        {
            SignInPerIp = Window(config, "RATE_LIMIT_SIGN_IN_PER_IP", defaults.SignInPerIp),
            SignInPerAccount = Window(config, "RATE_LIMIT_SIGN_IN_PER_ACCOUNT", defaults.SignInPerAccount),
            SignUpPerIp = Window(config, "RATE_LIMIT_SIGN_UP_PER_IP", defaults.SignUpPerIp),
            RealtimeTokensPerUser = Window(config, "RATE_LIMIT_REALTIME_TOKENS_PER_USER", defaults.RealtimeTokensPerUser),
            ConnectionsPerUser = Count(config, "RATE_LIMIT_CONNECTIONS_PER_USER", defaults.ConnectionsPerUser),
            CircuitsPerUser = Count(config, "RATE_LIMIT_CIRCUITS_PER_USER", defaults.CircuitsPerUser),
            JobStartsPerUser = Window(config, "RATE_LIMIT_JOB_STARTS_PER_USER", defaults.JobStartsPerUser),
            JobStartsPerWorkspace = Window(config, "RATE_LIMIT_JOB_STARTS_PER_WORKSPACE", defaults.JobStartsPerWorkspace),
        };
    }

    private static RateWindow Window(IConfiguration config, string key, RateWindow fallback)
    {
        var raw = config[key];
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        return RateWindow.TryParse(raw)
               ?? throw new StartupException($"{key}='{raw.Trim()}' must be permits per window such as 10/1m (s, m or h; at most 1 day).");
    }

    private static int Count(IConfiguration config, string key, int fallback)
    {
        var raw = config[key];
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        if (!int.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1 || value > 100_000)
            throw new StartupException($"{key}='{raw.Trim()}' must be a whole number from 1 to 100000.");
        return value;
    }
}
