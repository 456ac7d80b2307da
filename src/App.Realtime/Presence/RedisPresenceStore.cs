using System.Text.Json;
using App.Realtime.Redis;
using StackExchange.Redis;

namespace App.Realtime.Presence;

/// <summary>
/// Presence shared by every instance through Redis: a hash per topic (<c>{prefix}:presence:{topic}</c>, field = the
/// entry's ref, value = key, meta and expiry), a version counter per topic, and a set of topics to sweep.
/// Each write runs in a transaction with the version increment and the read of the whole hash, so every published
/// state is a consistent snapshot with its own version. Expiry is in the value (Redis cannot expire hash fields in 7.0):
/// readers skip expired rows and every instance's sweep deletes them; the instance whose HDEL removed a row publishes.
/// </summary>
internal sealed class RedisPresenceStore(RedisConnection redis) : IPresenceStore
{
    // Removes the topic from the sweep set only if its hash is still empty (a join may have come in between).
    private const string ForgetIfEmpty = "if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end return 0";

    private RedisKey Hash(string topic) => redis.Key("presence:" + topic);
    private RedisKey Version(string topic) => redis.Key("presence-version:" + topic);
    private RedisKey Topics => redis.Key("presence-topics");

    public async Task<PresenceState> PutAsync(string topic, PresenceRow row, DateTimeOffset now)
    {
        var db = (await redis.GetAsync()).GetDatabase();
        var transaction = db.CreateTransaction();
        _ = transaction.HashSetAsync(Hash(topic), row.Ref, Serialize(row));
        _ = transaction.SetAddAsync(Topics, topic);
        var version = transaction.StringIncrementAsync(Version(topic));
        var all = transaction.HashGetAllAsync(Hash(topic));
        await transaction.ExecuteAsync();
        return PresenceStates.From(topic, await version, Rows(await all), now);
    }

    public async Task<PresenceState?> RemoveAsync(string topic, string reference, DateTimeOffset now)
    {
        var db = (await redis.GetAsync()).GetDatabase();
        var transaction = db.CreateTransaction();
        var removed = transaction.HashDeleteAsync(Hash(topic), reference);
        var version = transaction.StringIncrementAsync(Version(topic));
        var all = transaction.HashGetAllAsync(Hash(topic));
        await transaction.ExecuteAsync();
        return await removed ? PresenceStates.From(topic, await version, Rows(await all), now) : null;
    }

    public async Task<PresenceState> ListAsync(string topic, DateTimeOffset now)
    {
        var db = (await redis.GetAsync()).GetDatabase();
        var transaction = db.CreateTransaction();
        var version = transaction.StringGetAsync(Version(topic));
        var all = transaction.HashGetAllAsync(Hash(topic));
        await transaction.ExecuteAsync();
        return PresenceStates.From(topic, (long?)await version ?? 0, Rows(await all), now);
    }

    public async Task<IReadOnlyCollection<string>> RenewAsync(IReadOnlyCollection<(string Topic, PresenceRow Row)> rows)
    {
        if (rows.Count == 0) return [];
        var db = (await redis.GetAsync()).GetDatabase();
        // Pipelined: one round trip for all of this instance's rows. HSET answers true when the field was new: the
        // row had been swept (this instance looked dead, e.g. cut off from Redis) and is back.
        var writes = rows.Select(r => (r.Topic, Added: db.HashSetAsync(Hash(r.Topic), r.Row.Ref, Serialize(r.Row)))).ToArray();
        var readded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (topic, added) in writes)
            if (await added)
            {
                readded.Add(topic);
                await db.SetAddAsync(Topics, topic);
                await db.StringIncrementAsync(Version(topic));
            }
        return readded;
    }

    public async Task<IReadOnlyList<PresenceState>> SweepAsync(DateTimeOffset now)
    {
        var db = (await redis.GetAsync()).GetDatabase();
        var changed = new List<PresenceState>();
        foreach (var member in await db.SetMembersAsync(Topics))
        {
            var topic = (string)member!;
            var entries = await db.HashGetAllAsync(Hash(topic));
            var expired = entries.Where(e => Deserialize(e.Name!, e.Value) is not { } row || row.ExpiresAt <= now)
                .Select(e => e.Name).ToArray();
            if (expired.Length > 0)
            {
                var transaction = db.CreateTransaction();
                var removed = transaction.HashDeleteAsync(Hash(topic), expired);
                var version = transaction.StringIncrementAsync(Version(topic));
                var all = transaction.HashGetAllAsync(Hash(topic));
                await transaction.ExecuteAsync();
                // Only the instance that actually removed something tells everyone.
                if (await removed > 0) changed.Add(PresenceStates.From(topic, await version, Rows(await all), now));
            }
            else if (entries.Length == 0)
            {
                await db.ScriptEvaluateAsync(ForgetIfEmpty, [Hash(topic), Topics], [topic]);
            }
        }
        return changed;
    }

    private static IEnumerable<PresenceRow> Rows(HashEntry[] entries) =>
        entries.Select(e => Deserialize(e.Name!, e.Value)).OfType<PresenceRow>();

    private static string Serialize(PresenceRow row) => JsonSerializer.Serialize(
        new StoredRow(row.Key, row.Meta.Name, row.Meta.Activity, row.Meta.Subject, row.ExpiresAt.ToUnixTimeMilliseconds()),
        RealtimeJson.Wire);

    /// <summary>Null for anything malformed (it is then swept as expired).</summary>
    private static PresenceRow? Deserialize(string reference, RedisValue value)
    {
        try
        {
            var stored = JsonSerializer.Deserialize<StoredRow>((string)value!, RealtimeJson.Wire);
            return stored is null
                ? null
                : new PresenceRow(reference, stored.Key, new PresenceMeta(stored.Name, stored.Activity, stored.Subject),
                    DateTimeOffset.FromUnixTimeMilliseconds(stored.ExpiresAt));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record StoredRow(string Key, string Name, string Activity, string? Subject, long ExpiresAt);
}
