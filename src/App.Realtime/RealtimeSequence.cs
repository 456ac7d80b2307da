namespace App.Realtime;

/// <summary>
/// Event sequence numbers, unique across instances: <c>counter * <see cref="Slots"/> + <see cref="InstanceSlot"/></c>.
/// Two instances that observed the same counter still hand out different numbers, because their slots differ. The
/// counter is seeded from milliseconds since 2025-01-01, so numbers grow across restarts and stay far below 2^53
/// (exact in JavaScript) for centuries. Numbers from one instance increase strictly; numbers from different
/// instances are unique but say nothing about arrival order (SSE resume uses arrival, not numeric order).
/// </summary>
public sealed class RealtimeSequence
{
    /// <summary>How many instances can number events side by side; also the step between one instance's numbers.</summary>
    public const int Slots = 1024;

    private static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private long counter;

    public RealtimeSequence()
        : this(Random.Shared.Next(Slots), (DateTimeOffset.UtcNow - Epoch).Ticks / TimeSpan.TicksPerMillisecond)
    {
    }

    /// <summary>A sequence with a chosen slot and starting counter (tests, benchmarks).</summary>
    public RealtimeSequence(int instanceSlot, long startCounter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(instanceSlot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(instanceSlot, Slots);
        ArgumentOutOfRangeException.ThrowIfNegative(startCounter);
        InstanceSlot = instanceSlot;
        counter = startCounter;
    }

    /// <summary>This process's slot (0..1023), random per process; logged at start so ids can be traced to an instance.</summary>
    public int InstanceSlot { get; }

    public long Next() => Interlocked.Increment(ref counter) * Slots + InstanceSlot;

    /// <summary>The last number handed out (or, before any, the number just below the first one).</summary>
    public long Current => Interlocked.Read(ref counter) * Slots + InstanceSlot;

    /// <summary>The number the next <see cref="Next"/> returns if nothing is observed meanwhile.</summary>
    public long Upcoming => Current + Slots;

    /// <summary>The slot that handed out <paramref name="sequence"/>.</summary>
    public static int SlotOf(long sequence) => (int)(sequence % Slots);

    /// <summary>Keeps this instance's numbers above one seen from another instance, so ids keep growing overall.</summary>
    public void Observe(long sequence)
    {
        var seen = sequence / Slots;
        var current = Interlocked.Read(ref counter);
        while (seen > current)
        {
            var previous = Interlocked.CompareExchange(ref counter, seen, current);
            if (previous == current) return;
            current = previous;
        }
    }
}
