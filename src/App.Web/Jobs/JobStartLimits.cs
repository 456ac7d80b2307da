using System.Threading.RateLimiting;
using App.Web.Configuration;
using App.Web.RateLimiting;

namespace App.Web.Jobs;

/// <summary>How often jobs may be started: per person and per workspace (RATE_LIMIT_JOB_STARTS_PER_USER and
/// _PER_WORKSPACE), so a few throwaway accounts cannot keep the shared queue full. Checked before a job is queued.</summary>
public sealed class JobStartLimits(AppSettings settings) : IDisposable
{
    private readonly PartitionedRateLimiter<string> perUser = Limiter(settings.RateLimits.JobStartsPerUser);
    private readonly PartitionedRateLimiter<string> perWorkspace = Limiter(settings.RateLimits.JobStartsPerWorkspace);

    /// <summary>Throws <see cref="JobRateLimitedException"/> when <paramref name="userId"/> (or the workspace) started
    /// too many jobs lately; otherwise counts this start.</summary>
    public void Check(string userId, Guid? workspaceId = null)
    {
        Take(perUser, userId, "You started");
        if (workspaceId is { } id) Take(perWorkspace, id.ToString("N"), "This workspace started");
    }

    private static void Take(PartitionedRateLimiter<string> limiter, string key, string who)
    {
        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired) return;
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? (int)Math.Ceiling(retryAfter.TotalSeconds) : 60;
        throw new JobRateLimitedException(who, Math.Max(1, seconds));
    }

    private static PartitionedRateLimiter<string> Limiter(RateWindow window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = window.Permits, Window = window.Window, QueueLimit = 0 }));

    public void Dispose()
    {
        perUser.Dispose();
        perWorkspace.Dispose();
    }
}
