using System.Diagnostics;

namespace App.Bench;

/// <summary>
/// Publish-to-handler latencies in Stopwatch ticks. Each sampled subscriber owns one preallocated row and is its
/// row's only writer (its consumer handles one event at a time), so recording needs no lock or interlocked op.
/// </summary>
internal sealed class LatencyRecorder(int rows, int perRow)
{
    private readonly long[][] samples = Enumerable.Range(0, rows).Select(_ => new long[perRow]).ToArray();

    public void Record(int row, long index, long ticks) => samples[row][index] = ticks;

    /// <summary>p50 and p99 in microseconds over every recorded delivery (nearest-rank).</summary>
    public (double P50, double P99) Percentiles()
    {
        var all = samples.SelectMany(r => r).ToArray();
        if (all.Length == 0) return (double.NaN, double.NaN);
        Array.Sort(all);
        return (Micros(all[Rank(0.50, all.Length)]), Micros(all[Rank(0.99, all.Length)]));
    }

    private static int Rank(double p, int n) => Math.Max(0, (int)Math.Ceiling(p * n) - 1);

    private static double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
