using App.Domain.Workspaces;

namespace App.Web.Realtime.Redis;

/// <summary>
/// After a Redis outage, membership removals and user disables published on other instances never arrived here,
/// so this instance could keep delivering a left workspace's events (fail open). When Redis is back, every
/// registered user's memberships and disabled state are re-resolved from the database (batched) and the audience
/// is made to match; then circuits are told they missed events (<see cref="RealtimeEventContext.MissedEvent"/>)
/// so live pages reload. Membership events applied while the query runs keep precedence.
/// </summary>
public sealed class AudienceResync(RealtimeAudience audience, WorkspaceDirectory workspaces, RedisConnection redis,
    ILogger<AudienceResync> logger) : IHostedService
{
    private readonly SemaphoreSlim running = new(1, 1);

    public sealed record Result(int Users, int MembershipsAdded, int MembershipsRemoved, int DisabledUsers, int CircuitsNotified);

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

    // Raised on a Redis thread: the database work runs elsewhere.
    private void OnRestored() => _ = Task.Run(() => RunAsync());

    /// <summary>Re-resolves the whole audience once (one run at a time); logs and never throws.</summary>
    public async Task<Result?> RunAsync(CancellationToken ct = default)
    {
        await running.WaitAsync(ct);
        try
        {
            var asOf = audience.MembershipVersion;
            var users = audience.UserIds();
            var active = await workspaces.MembershipsOfActiveUsersAsync(users, ct);
            var (added, removed, disabled) = (0, 0, 0);
            foreach (var userId in users)
            {
                if (!active.TryGetValue(userId, out var memberships))
                {
                    // Disabled or deleted: fail closed.
                    audience.RemoveUser(userId);
                    disabled++;
                    continue;
                }
                var changes = audience.ReplaceWorkspaces(userId, memberships, asOf);
                added += changes.Added;
                removed += changes.Removed;
            }
            var notified = 0;
            foreach (var connection in audience.Connections)
                if (connection is RealtimeSubscriptions circuit)
                {
                    circuit.NotifyMissed();
                    notified++;
                }
            var result = new Result(users.Count, added, removed, disabled, notified);
            logger.LogWarning("Realtime audience re-resolved after the Redis outage: {Users} users, {Added} memberships added, " +
                "{Removed} removed, {Disabled} disabled users disconnected, {Notified} circuits told to reload",
                result.Users, result.MembershipsAdded, result.MembershipsRemoved, result.DisabledUsers, result.CircuitsNotified);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Re-resolving the realtime audience after the Redis outage failed; memberships stay as they were until each connection re-registers");
            return null;
        }
        finally
        {
            running.Release();
        }
    }
}
