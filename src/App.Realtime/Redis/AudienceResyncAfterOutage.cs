using Microsoft.Extensions.Hosting;

namespace App.Realtime.Redis;

/// <summary>After a Redis outage, audience changes published on other instances (a membership removed, a user
/// disabled) never arrived here, so this instance could keep delivering a topic its users lost (fail open): when Redis
/// is back, the whole audience is re-resolved and every connection told it missed events (<see cref="AudienceResync"/>).</summary>
public sealed class AudienceResyncAfterOutage(AudienceResync resync, RedisConnection redis) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        redis.Restored += OnRestored;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        redis.Restored -= OnRestored;
        return Task.CompletedTask;
    }

    // Raised on a Redis thread: the resolver's work runs elsewhere.
    private void OnRestored() => _ = Task.Run(() => resync.RunAsync("after the Redis outage"));
}
