using System.Collections.Concurrent;
using App.Realtime.Redis;

namespace App.Web.Realtime.Clients;

/// <summary>What using an SSE token's nonce found.</summary>
public enum SseTokenUse
{
    /// <summary>Its first use: accepted.</summary>
    First,
    /// <summary>Used before (or expired): refused.</summary>
    Reused,
    /// <summary>Single use cannot be checked now (Redis is down): refused with 503 rather than risk a second use.</summary>
    Unavailable,
}

/// <summary>Makes SSE tokens single-use: the first use of a nonce wins, every later one is refused.</summary>
public interface ISseTokenNonces
{
    Task<SseTokenUse> TryConsumeAsync(string nonce, DateTimeOffset expiresAt);
}

/// <summary>One instance: remembered in memory until the token would have expired anyway.</summary>
public sealed class InMemorySseTokenNonces(TimeProvider clock) : ISseTokenNonces
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> used = new(StringComparer.Ordinal);

    public Task<SseTokenUse> TryConsumeAsync(string nonce, DateTimeOffset expiresAt)
    {
        var now = clock.GetUtcNow();
        if (used.Count > 1000)
            foreach (var (key, expiry) in used)
                if (expiry < now) used.TryRemove(key, out _);
        return Task.FromResult(used.TryAdd(nonce, expiresAt) ? SseTokenUse.First : SseTokenUse.Reused);
    }

    /// <summary>Undoes a use that did not count (the shared check could not be made).</summary>
    public void Forget(string nonce) => used.TryRemove(nonce, out _);
}

/// <summary>Several instances: SET NX in Redis, so a token used on one instance is refused on the others. While
/// Redis is unreachable no token is accepted (another instance could accept the same one): fail closed, and the
/// token stays usable once Redis is back.</summary>
public sealed class RedisSseTokenNonces(RedisConnection redis, TimeProvider clock) : ISseTokenNonces
{
    private readonly InMemorySseTokenNonces local = new(clock);

    public async Task<SseTokenUse> TryConsumeAsync(string nonce, DateTimeOffset expiresAt)
    {
        if (await local.TryConsumeAsync(nonce, expiresAt) != SseTokenUse.First) return SseTokenUse.Reused;
        try
        {
            var ttl = expiresAt - clock.GetUtcNow();
            if (ttl <= TimeSpan.Zero) return SseTokenUse.Reused;
            var db = (await redis.GetAsync()).GetDatabase();
            return await db.StringSetAsync(redis.Key($"sse-nonce:{nonce}"), 1, ttl, StackExchange.Redis.When.NotExists)
                ? SseTokenUse.First
                : SseTokenUse.Reused;
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            redis.ReportDown("SSE token check: " + ex.GetType().Name);
            local.Forget(nonce);
            return SseTokenUse.Unavailable;
        }
    }
}
