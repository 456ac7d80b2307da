using System.Threading.Channels;

namespace App.Bench;

/// <summary>
/// The practical ceiling: the same fan-out written directly on System.Threading.Channels. A dictionary from
/// workspace to its subscribers' writers, one bounded single-reader channel per subscriber (same capacity and
/// options as RealtimeSubscriptions), one consumer loop per channel shaped like its pump, and a struct message
/// carrying only the event number. No bus, envelope, sequence lock, audience index or per-delivery context.
/// </summary>
internal sealed class ChannelsBaseline : IFanoutTarget
{
    private readonly record struct Delivery(long Sequence);

    private readonly Dictionary<int, ChannelWriter<Delivery>[]> audience;
    private readonly Channel<Delivery>[] channels;
    private readonly Task[] consumers;
    private long published;
    private long overflow;

    public ChannelsBaseline(int subscribers, int workspaces)
    {
        Probes = new Probe[subscribers];
        channels = new Channel<Delivery>[subscribers];
        consumers = new Task[subscribers];
        for (var i = 0; i < subscribers; i++)
        {
            var probe = Probes[i] = new Probe(i % workspaces);
            var channel = channels[i] = Channel.CreateBounded<Delivery>(new BoundedChannelOptions(FanoutDriver.Capacity)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
            consumers[i] = Task.Run(async () =>
            {
                var reader = channel.Reader;
                while (await reader.WaitToReadAsync())
                    while (reader.TryRead(out var delivery)) probe.OnDelivery(delivery.Sequence);
            });
        }
        audience = Enumerable.Range(0, subscribers).GroupBy(i => i % workspaces)
            .ToDictionary(g => g.Key, g => g.Select(i => channels[i].Writer).ToArray());
    }

    public Probe[] Probes { get; }
    public long NextSequence => published;
    public long Overflow => Interlocked.Read(ref overflow);

    public ValueTask PublishAsync(int eventIndex, int workspace)
    {
        var delivery = new Delivery(published++);
        foreach (var writer in audience[workspace])
            if (!writer.TryWrite(delivery)) overflow++;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in channels) channel.Writer.TryComplete();
        await Task.WhenAll(consumers);
    }
}
