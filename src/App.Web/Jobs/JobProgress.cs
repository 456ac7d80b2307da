namespace App.Web.Jobs;

public enum JobState
{
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
}

/// <summary>Payload of <c>jobs.job.progress</c>, sent to the job owner's scope (circuits, hub and SSE alike).</summary>
public sealed record JobProgress(Guid JobId, string Name, JobState State, int Percent, string Message, string? ResultUrl)
{
    public const string Event = "jobs.job.progress";

    public bool IsFinished => State is JobState.Done or JobState.Failed or JobState.Cancelled;
}

/// <summary>What a job reports through while it runs.</summary>
public sealed class JobContext(Guid jobId, string ownerId, Func<int, string, Task> report, TimeSpan stepDelay, CancellationToken cancellationToken)
{
    public Guid JobId { get; } = jobId;
    public string OwnerId { get; } = ownerId;
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Reports progress (0-100) with a message for the person waiting.</summary>
    public async Task ReportAsync(int percent, string message)
    {
        CancellationToken.ThrowIfCancellationRequested();
        await report(Math.Clamp(percent, 0, 99), message);
        // Optional pacing (JOBS_STEP_DELAY_MS) so demos and tests can watch progress on tiny data sets.
        if (stepDelay > TimeSpan.Zero) await Task.Delay(stepDelay, CancellationToken);
    }
}

/// <summary>A finished job's downloadable output.</summary>
public sealed record JobOutput(string FileName, string ContentType, byte[] Content);
