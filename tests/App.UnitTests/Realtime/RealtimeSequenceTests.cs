using App.Realtime;
using App.Realtime.Circuits;
using App.Web.Realtime;

namespace App.UnitTests.Realtime;

public sealed class RealtimeSequenceTests
{
    private const long JavaScriptSafe = 1L << 53;

    [Fact]
    public void Two_instances_observing_each_other_never_hand_out_the_same_number_and_each_stays_monotonic()
    {
        var a = new RealtimeSequence(instanceSlot: 17, startCounter: 5_000);
        var b = new RealtimeSequence(instanceSlot: 901, startCounter: 5_000);
        var fromA = new List<long>();
        var fromB = new List<long>();
        var random = new Random(42);
        for (var i = 0; i < 5_000; i++)
        {
            // Both number concurrently from the same observed counter, then see each other's event through the relay.
            var x = a.Next();
            var y = b.Next();
            fromA.Add(x);
            fromB.Add(y);
            if (random.Next(3) > 0) b.Observe(x);
            if (random.Next(3) > 0) a.Observe(y);
        }

        Assert.Equal(fromA.Count + fromB.Count, fromA.Concat(fromB).Distinct().Count());
        Assert.True(fromA.Zip(fromA.Skip(1)).All(p => p.Second > p.First));
        Assert.True(fromB.Zip(fromB.Skip(1)).All(p => p.Second > p.First));
        Assert.All(fromA, n => Assert.Equal(17, RealtimeSequence.SlotOf(n)));
        Assert.All(fromB, n => Assert.Equal(901, RealtimeSequence.SlotOf(n)));
    }

    [Fact]
    public void After_observing_a_higher_number_the_next_one_is_higher()
    {
        var a = new RealtimeSequence(instanceSlot: 3, startCounter: 10);
        var b = new RealtimeSequence(instanceSlot: 2, startCounter: 90_000);
        var seen = b.Next();

        a.Observe(seen);

        Assert.True(a.Next() > seen);
        a.Observe(5); // lower numbers change nothing
        Assert.Equal(a.Current + RealtimeSequence.Slots, a.Upcoming);
        Assert.Equal(a.Upcoming, a.Next());
    }

    [Fact]
    public void A_default_sequence_has_a_slot_grows_across_restarts_and_stays_exact_in_JavaScript()
    {
        var first = new RealtimeSequence();
        var n = first.Next();

        Assert.InRange(first.InstanceSlot, 0, RealtimeSequence.Slots - 1);
        Assert.Equal(first.InstanceSlot, RealtimeSequence.SlotOf(n));
        Assert.InRange(n, 1L << 40, JavaScriptSafe / 16); // seeded from the clock, far below 2^53 for years
        var counterNow = (DateTimeOffset.UtcNow - new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)).Ticks / TimeSpan.TicksPerMillisecond;
        Assert.True(n / RealtimeSequence.Slots >= counterNow - 60_000, "a restarted process starts about where the clock is");
    }
}
