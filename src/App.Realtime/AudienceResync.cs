using Microsoft.Extensions.Logging;

namespace App.Realtime;

/// <summary>
/// Re-resolves the connected users' topics from the app (<see cref="IRealtimeAudienceResolver"/>) when audience
/// changes may have been missed, and tells the connections concerned they missed events (circuits' <c>onMissed</c>,
/// the hub's <c>realtime.missed</c>, SSE's <c>reset</c>) so clients reload. Runs after a Redis outage (changes
/// published on other instances never arrived: every connection is told) and when a rule receives an audience change
/// whose details were lost (only the connections of the topic it was for, and of users whose topics changed).
/// Users the resolver no longer knows (disabled, deleted) are removed: fail closed. Changes applied while the query
/// runs keep precedence.
/// </summary>
public sealed class AudienceResync(RealtimeAudience audience, IRealtimeAudienceResolver resolver, ILogger<AudienceResync> logger)
{
    private readonly SemaphoreSlim running = new(1, 1);

    public sealed record Result(int Users, int TopicsAdded, int TopicsRemoved, int RemovedUsers, int ConnectionsNotified);

    /// <summary>Re-resolves the whole audience once (one run at a time); logs and never throws. With
    /// <paramref name="topic"/>, only that topic's connections and those of users whose topics changed are told they
    /// missed events; without, every connection is.</summary>
    public async Task<Result?> RunAsync(string why, string? topic = null, CancellationToken ct = default)
    {
        await running.WaitAsync(ct);
        try
        {
            var asOf = audience.TopicVersion;
            var users = audience.UserIds();
            var notify = new HashSet<IRealtimeConnection>(topic is null ? audience.Connections : audience.Of(topic));
            var active = await resolver.TopicsOfActiveUsersAsync(users, ct);
            var (added, removed, removedUsers) = (0, 0, 0);
            foreach (var userId in users)
            {
                var connections = audience.ConnectionsOf(userId);
                if (!active.TryGetValue(userId, out var topics))
                {
                    audience.RemoveUser(userId);
                    removedUsers++;
                    notify.UnionWith(connections);
                    continue;
                }
                var changes = audience.ReplaceTopics(userId, topics, asOf);
                added += changes.Added;
                removed += changes.Removed;
                if (changes.Added + changes.Removed > 0) notify.UnionWith(connections);
            }
            // Connections of removed users were closed: no one is left to tell.
            notify.RemoveWhere(c => !audience.IsRegistered(c));
            foreach (var connection in notify) connection.NotifyMissed();
            var result = new Result(users.Count, added, removed, removedUsers, notify.Count);
            logger.LogWarning("Realtime audience re-resolved {Why}: {Users} users, {Added} topics added, {Removed} removed, " +
                "{RemovedUsers} users removed, {Notified} connections told they missed events",
                why, result.Users, result.TopicsAdded, result.TopicsRemoved, result.RemovedUsers, result.ConnectionsNotified);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Re-resolving the realtime audience {Why} failed; topics stay as they were until each connection joins again", why);
            return null;
        }
        finally
        {
            running.Release();
        }
    }
}
