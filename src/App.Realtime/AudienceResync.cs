using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace App.Realtime.Redis;

/// <summary>
/// After a Redis outage, audience changes published on other instances (a membership removed, a user disabled)
/// never arrived here, so this instance could keep delivering a topic its users lost (fail open). When Redis is
/// back, every connected user's topics are re-resolved at once (<see cref="IRealtimeAudienceResolver"/>) and the
/// audience is made to match; then every connection is told it missed events (circuits' <c>onMissed</c>, the
/// hub's <c>realtime.missed</c>, SSE's <c>reset</c>) so clients reload. Changes applied while the query runs keep
/// precedence.
/// </summary>
public sealed class AudienceResync(RealtimeAudience audience, IRealtimeAudienceResolver resolver, RedisConnection redis,
    ILogger<AudienceResync> logger) : IHostedService
{
    private readonly SemaphoreSlim running = new(1, 1);

    public sealed record Result(int Users, int TopicsAdded, int TopicsRemoved, int RemovedUsers, int ConnectionsNotified);

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
    private void OnRestored() => _ = Task.Run(() => RunAsync());

    /// <summary>Re-resolves the whole audience once (one run at a time); logs and never throws.</summary>
    public async Task<Result?> RunAsync(CancellationToken ct = default)
    {
        await running.WaitAsync(ct);
        try
        {
            var asOf = audience.TopicVersion;
            var users = audience.UserIds();
            var active = await resolver.TopicsOfActiveUsersAsync(users, ct);
            var (added, removed, removedUsers) = (0, 0, 0);
            foreach (var userId in users)
            {
                if (!active.TryGetValue(userId, out var topics))
                {
                    // Disabled or deleted: fail closed.
                    audience.RemoveUser(userId);
                    removedUsers++;
                    continue;
                }
                var changes = audience.ReplaceTopics(userId, topics, asOf);
                added += changes.Added;
                removed += changes.Removed;
            }
            var connections = audience.Connections;
            foreach (var connection in connections) connection.NotifyMissed();
            var result = new Result(users.Count, added, removed, removedUsers, connections.Count);
            logger.LogWarning("Realtime audience re-resolved after the Redis outage: {Users} users, {Added} topics added, " +
                "{Removed} removed, {RemovedUsers} users removed, {Notified} connections told they missed events",
                result.Users, result.TopicsAdded, result.TopicsRemoved, result.RemovedUsers, result.ConnectionsNotified);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Re-resolving the realtime audience after the Redis outage failed; topics stay as they were until each connection joins again");
            return null;
        }
        finally
        {
            running.Release();
        }
    }
}
