using System.Collections.Concurrent;
using App.Domain.Users;

namespace App.Web.Auth;

/// <summary>Failed sign-ins for emails that have no account, counted like a real account's, so that the fifth
/// wrong guess "locks" an unknown email just as it locks a real one: the answers never tell them apart. In memory
/// and per instance (a real account's count is in the database); entries expire with the lockout period.</summary>
public sealed class UnknownAccountAttempts(TimeProvider clock)
{
    private static readonly TimeSpan LockoutPeriod = TimeSpan.FromMinutes(5);
    private const int MaxTracked = 100_000;
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset LockedUntil, DateTimeOffset Seen)> attempts =
        new(StringComparer.OrdinalIgnoreCase);

    public bool IsLockedOut(string email) =>
        attempts.TryGetValue(email, out var entry) && entry.LockedUntil > clock.GetUtcNow();

    /// <summary>Counts one failure; true when it locks the email (as the last allowed failure locks an account).</summary>
    public bool Fail(string email)
    {
        var now = clock.GetUtcNow();
        if (attempts.Count >= MaxTracked) Prune(now);
        var entry = attempts.AddOrUpdate(email,
            _ => (1, DateTimeOffset.MinValue, now),
            (_, e) => e.Seen + LockoutPeriod < now ? (1, DateTimeOffset.MinValue, now) : (e.Failures + 1, e.LockedUntil, now));
        if (entry.Failures < AccountRules.MaxFailedSignIns) return false;
        // Identity resets the count when it locks an account; so do we.
        attempts[email] = (0, now + LockoutPeriod, now);
        return true;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, e) in attempts)
            if (e.Seen + LockoutPeriod < now && e.LockedUntil < now) attempts.TryRemove(key, out _);
    }
}
