namespace App.Web.Jobs;

/// <summary>
/// One job and its state, which only moves forward: Queued, then Running (any number of progress reports), then one
/// final state (Done, Failed or Cancelled) that never changes. A late or racing update is refused, so neither
/// <see cref="JobRunner.Status"/> nor the published events can go backwards.
/// </summary>
internal sealed class Job(Guid id, string ownerId, string name, Func<JobContext, Task<JobOutput>> work)
{
    private readonly object gate = new();
    private JobProgress last = new(id, name, JobState.Queued, 0, "Waiting to start...", null);

    public Guid Id { get; } = id;
    public string OwnerId { get; } = ownerId;
    public string Name { get; } = name;
    public Func<JobContext, Task<JobOutput>> Work { get; } = work;

    /// <summary>Never disposed: it has no timer, and the worker disposes the linked source that registers on it,
    /// so a cancel that arrives after the job finished is a harmless no-op rather than an ObjectDisposedException.</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    public JobProgress Last
    {
        get { lock (gate) return last; }
    }

    public JobProgress Progress(JobState state, int percent, string message, string? resultUrl = null) =>
        new(Id, Name, state, percent, message, resultUrl);

    /// <summary>Records <paramref name="next"/> unless it would move the job backwards or out of a final state.</summary>
    public bool TryAdvance(JobProgress next)
    {
        lock (gate)
        {
            if (last.IsFinished || Rank(next.State) < Rank(last.State)) return false;
            last = next;
            return true;
        }
    }

    /// <summary>What a cancel request does, decided atomically with the state: a queued job is cancelled at once
    /// (recorded here; the caller publishes it), a running one is asked to stop, a finished one is left alone.</summary>
    public (JobCancelOutcome Outcome, JobProgress Progress) RequestCancel()
    {
        lock (gate)
        {
            if (last.IsFinished) return (JobCancelOutcome.AlreadyFinished, last);
            if (last.State == JobState.Queued)
            {
                last = Progress(JobState.Cancelled, 0, "Cancelled before it started");
                return (JobCancelOutcome.Cancelled, last);
            }
            return (JobCancelOutcome.Cancelling, last);
        }
    }

    private static int Rank(JobState state) => state switch
    {
        JobState.Queued => 0,
        JobState.Running => 1,
        _ => 2,
    };
}
