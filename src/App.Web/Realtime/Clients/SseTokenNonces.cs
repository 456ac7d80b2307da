using System.Collections.Concurrent;
using App.Realtime.Redis;

namespace App.Web.Realtime.Clients;

/// <summary>Makes SSE tokens single-use: the first use of a nonce wins, every later one is refused.</summary>
public interface ISseTokenNonces
{
    Task<bool> TryConsumeAsync(string nonce, DateTimeOffset expiresAt);
}

/// <summary>One instance: remembered in memory until the token would have expired anyway.</summary>
public sealed class InMemorySseTokenNonces(TimeProvider clock) : ISseTokenNonces
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> used = new(StringComparer.Ordinal);

    public Task<bool> TryConsumeAsync(string nonce, DateTimeOffset expiresAt)
    {
        var now = clock.GetUtcNow();
        if (used.Count > 1000)
            foreach (var (key, expiry) in used)
                if (expiry < now) used.TryRemove(key, out _);
        return Task.FromResult(used.TryAdd(nonce, expiresAt));
    }
}

/// <summary>Several instances: SET NX in Redis, so a token used on one instance is refused on the others.
/// If Redis is unreachable, single use is still enforced on this instance (and the outage is logged once).</summary>
public sealed class RedisSseTokenNonces(RedisConnection redis, TimeProvider clock) : ISseTokenNonces
{
    private readonly InMemorySseTokenNonces local = new(clock);

    public async Task<bool> TryConsumeAsync(string nonce, DateTimeOffset expiresAt)
    {
        if (!await local.TryConsumeAsync(nonce, expiresAt)) return false;
        try
        {
            var ttl = expiresAt - clock.GetUtcNow();
            if (ttl <= TimeSpan.Zero) return false;
            var db = (await redis.GetAsync()).GetDatabase();
            return await db.StringSetAsync(redis.Key($"sse-nonce:{nonce}"), 1, ttl, StackExchange.Redis.When.NotExists);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            redis.ReportDown("SSE token check: " + ex.GetType().Name);
            return true;
        }
    }
}
