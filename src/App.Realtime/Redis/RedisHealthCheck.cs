using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace App.Realtime.Redis;

/// <summary>Redis for realtime fan-out: up when it answers PING within 2 s. Down makes /healthz 503 (this
/// instance still serves its own clients; other instances' events do not arrive until it is back).</summary>
public sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await redis.GetAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            if (!connection.IsConnected) return HealthCheckResult.Unhealthy($"{redis.Address}: not connected (reconnecting)");
            var latency = await connection.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"{redis.Address} ({latency.TotalMilliseconds:0.0} ms)");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy($"{redis.Address}: {ex.GetType().Name}");
        }
    }
}
