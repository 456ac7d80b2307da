using App.Web.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace App.Web.Health;

/// <summary>Free space on the volume holding the data folder (the SQLite file, data-protection keys): below
/// HEALTH_MIN_FREE_DISK_MB the app is reported down, before saves start failing on a full disk.</summary>
internal sealed class DiskSpaceHealthCheck(AppSettings settings) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var drive = new DriveInfo(ExistingFolder(settings.DataPath));
            var freeMb = drive.AvailableFreeSpace / (1024 * 1024);
            var what = $"{freeMb} MB free on {drive.RootDirectory.FullName} (minimum {settings.MinFreeDiskMb} MB)";
            return Task.FromResult(freeMb < settings.MinFreeDiskMb
                ? HealthCheckResult.Unhealthy($"low disk: {what}")
                : HealthCheckResult.Healthy(what));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"disk space unknown: {ex.GetType().Name}"));
        }
    }

    private static string ExistingFolder(string path)
    {
        var dir = new DirectoryInfo(path);
        while (dir is { Exists: false, Parent: not null }) dir = dir.Parent;
        return dir.FullName;
    }
}
