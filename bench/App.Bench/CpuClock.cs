using System.Runtime.InteropServices;

namespace App.Bench;

/// <summary>
/// CPU time, for figures that must not depend on what else the machine runs: wall-clock time on a shared 2-core box
/// includes time the thread was preempted. Process CPU covers every thread (consumers, GC); thread CPU the caller.
/// </summary>
internal static class CpuClock
{
    public static TimeSpan Process() => Environment.CpuUsage.TotalTime;

    /// <summary>The calling thread's CPU time in nanoseconds, or -1 where unavailable (not Linux).</summary>
    public static long ThreadNanoseconds()
    {
        if (!OperatingSystem.IsLinux()) return -1;
        return clock_gettime(ClockThreadCpuTime, out var time) == 0 ? time.Seconds * 1_000_000_000 + time.Nanoseconds : -1;
    }

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc.so.6")]
    private static extern int clock_gettime(int clock, out Timespec time);
}
