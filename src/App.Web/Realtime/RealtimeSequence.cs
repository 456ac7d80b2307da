namespace App.Web.Realtime;

/// <summary>Monotonic event sequence numbers. Seeded from the clock (microseconds) so numbers keep growing
/// across restarts, which keeps SSE <c>Last-Event-ID</c> values meaningful.</summary>
public sealed class RealtimeSequence
{
    private long last = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    public long Next() => Interlocked.Increment(ref last);

    /// <summary>The last number handed out or seen.</summary>
    public long Current => Interlocked.Read(ref last);

    /// <summary>Never hand out a number at or below one seen from another instance.</summary>
    public void Observe(long sequence)
    {
        var current = Interlocked.Read(ref last);
        while (sequence > current)
        {
            var previous = Interlocked.CompareExchange(ref last, sequence, current);
            if (previous == current) return;
            current = previous;
        }
    }
}
