using System.Diagnostics;
using System.Threading.Channels;

namespace RealtimeBench;

/// <summary>
/// The practical ceiling: the same fan-out written directly on System.Threading.Channels: a dictionary from
/// workspace to the writers of its subscribers, one bounded single-reader channel and one consumer loop per
/// subscriber, a tiny struct per message, the same in-flight window and the same latency method.
/// </summary>
internal static class ChannelsBaseline
{
    private readonly record struct Message(int Index);

    public static async Task<FanoutBenchmark.Result> RunAsync(int subscribers, int workspaces, int events, int? inFlight = null)
    {
        var audience = subscribers / workspaces;
        long expected = (long)events * audience;
        var latencies = new LatencyRecorder((int)Math.Min(expected, 4_000_000));
        var publishedAt = new long[events];
        long delivered = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = new Dictionary<int, List<ChannelWriter<Message>>>();
        var consumers = new List<Task>(subscribers);
        var channels = new List<Channel<Message>>(subscribers);
        for (var i = 0; i < subscribers; i++)
        {
            var channel = Channel.CreateBounded<Message>(new BoundedChannelOptions(512) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
            channels.Add(channel);
            var workspace = i % workspaces;
            if (!writers.TryGetValue(workspace, out var list)) writers[workspace] = list = [];
            list.Add(channel.Writer);
            consumers.Add(Task.Run(async () =>
            {
                await foreach (var message in channel.Reader.ReadAllAsync())
                {
                    latencies.Add(Clock.MicrosecondsSince(publishedAt[message.Index]));
                    if (Interlocked.Increment(ref delivered) == expected) done.TrySetResult();
                }
            }));
        }
        var audiences = writers.ToDictionary(p => p.Key, p => p.Value.ToArray());
        const long overflow = 0; // never drops: see the write loop
        var window = inFlight ?? 256 * workspaces;
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < events; i++)
        {
            if (i >= window)
                while (Interlocked.Read(ref delivered) < (long)(i - window + 1) * audience) await Task.Yield();
            publishedAt[i] = Stopwatch.GetTimestamp();
            // The in-flight window counts deliveries overall, so one starved consumer can still fall a full channel
            // behind; waiting for room there (rather than dropping) keeps the run complete instead of hanging on a
            // delivery that never comes.
            foreach (var writer in audiences[i % workspaces])
                if (!writer.TryWrite(new Message(i))) await writer.WriteAsync(new Message(i));
        }
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        foreach (var channel in channels) channel.Writer.TryComplete();
        await Task.WhenAll(consumers);
        var (p50, p99) = latencies.Percentiles();
        return new FanoutBenchmark.Result(expected / elapsed.TotalSeconds, p50, p99, allocated / (double)expected, expected, overflow,
            cpu.TotalNanoseconds / expected);
    }
}
