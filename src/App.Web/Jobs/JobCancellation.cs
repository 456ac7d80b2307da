namespace App.Web.Jobs;

public enum JobCancelOutcome
{
    /// <summary>No such job for this user (or it finished long enough ago to be forgotten).</summary>
    NotFound,
    /// <summary>It had not started: it is now Cancelled.</summary>
    Cancelled,
    /// <summary>It is running and was asked to stop; it ends Cancelled (or Done/Failed if it was just finishing).</summary>
    Cancelling,
    /// <summary>It had already finished; nothing changed.</summary>
    AlreadyFinished,
}

/// <summary>The answer to a cancel request, with the job's state as of that answer.</summary>
public sealed record JobCancellation(JobCancelOutcome Outcome, JobProgress? Progress);
