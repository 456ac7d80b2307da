using System.Collections.Concurrent;

namespace App.Web.Jobs;

/// <summary>Finished jobs' downloads, kept in memory on the instance that ran them for <see cref="KeepFor"/>, for
/// their owner only. Bounded: the oldest results go first beyond <see cref="MaxResults"/>.</summary>
public sealed class JobResults(TimeProvider clock)
{
    public static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(30);
    public const int MaxResults = 200;

    private readonly ConcurrentDictionary<Guid, Stored> results = new();

    public string Store(Guid jobId, string ownerId, JobOutput output)
    {
        var now = clock.GetUtcNow();
        foreach (var (id, stored) in results)
            if (stored.ExpiresAt < now) results.TryRemove(id, out _);
        while (results.Count >= MaxResults)
        {
            var oldest = results.MinBy(r => r.Value.ExpiresAt).Key;
            results.TryRemove(oldest, out _);
        }
        results[jobId] = new Stored(ownerId, output, now + KeepFor);
        return $"/api/jobs/{jobId}/result";
    }

    public JobOutput? Get(Guid jobId, string userId) =>
        results.TryGetValue(jobId, out var stored) && stored.OwnerId == userId && stored.ExpiresAt > clock.GetUtcNow()
            ? stored.Output
            : null;

    private sealed record Stored(string OwnerId, JobOutput Output, DateTimeOffset ExpiresAt);
}
