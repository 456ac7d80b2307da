namespace App.Web.Jobs;

/// <summary>A job was not accepted; the message says why and is meant for the person who asked.</summary>
public abstract class JobRefusedException(string message) : Exception(message);

/// <summary>The shared queue is full: nothing was queued.</summary>
public sealed class JobQueueFullException() : JobRefusedException("The job queue is full: try again in a moment.");

/// <summary>One person may not fill the shared queue: at most <see cref="JobRunner.PerUserLimit"/> of their jobs are
/// queued or running at once.</summary>
public sealed class JobLimitReachedException() : JobRefusedException(
    $"You already have {JobRunner.PerUserLimit} jobs queued or running: wait for one to finish or cancel it.");

/// <summary>Too many jobs were started lately by this person or in this workspace (<see cref="JobStartLimits"/>).</summary>
public sealed class JobRateLimitedException(string who, int retryAfterSeconds) : JobRefusedException(
    $"{who} too many jobs in a short time: try again in {retryAfterSeconds} seconds.")
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
