using System.Collections.Concurrent;
using System.Threading.Channels;
using App.Domain.Events;
using App.Web.Configuration;

namespace App.Web.Jobs;

/// <summary>
/// Runs long tasks in the background: a bounded queue (a full queue refuses new jobs with a clear message), at most
/// <see cref="PerUserLimit"/> queued or running jobs per person, a fixed number of workers, cancellation by the owner,
/// and progress published as <c>jobs.job.progress</c> to the owner's scope. A job's state only moves forward
/// (<see cref="Job"/>). A job that throws is reported as failed; the runner carries on with the next one.
/// </summary>
public sealed class JobRunner(IDomainEvents events, JobResults results, AppSettings settings, ILogger<JobRunner> logger)
    : BackgroundService
{
    public const int QueueCapacity = 32;
    public const int PerUserLimit = 3;
    public const int Workers = 2;
    /// <summary>How long a finished job's final state stays answerable (Status, cancel = "already finished").</summary>
    public static readonly TimeSpan KeepFinishedFor = TimeSpan.FromMinutes(10);

    // Unbounded: admission below is the bound, so a write after admission always succeeds.
    private readonly Channel<Job> queue = Channel.CreateUnbounded<Job>();
    private readonly ConcurrentDictionary<Guid, Job> jobs = new();
    private readonly object admission = new();
    private readonly Dictionary<string, int> unfinishedByOwner = new(StringComparer.Ordinal);
    private int waiting;

    /// <summary>Queues a job for <paramref name="ownerId"/>; throws <see cref="JobLimitReachedException"/> when they
    /// already have <see cref="PerUserLimit"/> unfinished jobs, <see cref="JobQueueFullException"/> when the queue is
    /// full. A refused job leaves no trace; an accepted one is announced as Queued before any worker can start it.</summary>
    public async Task<Guid> EnqueueAsync(string ownerId, string name, Func<JobContext, Task<JobOutput>> work)
    {
        var job = new Job(Guid.CreateVersion7(), ownerId, name, work);
        Admit(job);
        try
        {
            await PublishAsync(job, job.Last);
        }
        catch
        {
            lock (admission) waiting--;
            Release(job);
            throw;
        }
        jobs[job.Id] = job;
        queue.Writer.TryWrite(job);
        return job.Id;
    }

    /// <summary>Cancels a queued or running job; only its owner may. Cancelling a finished job changes nothing and
    /// says so (<see cref="JobCancelOutcome.AlreadyFinished"/> with the final state).</summary>
    public async Task<JobCancellation> CancelAsync(Guid jobId, string userId)
    {
        if (!jobs.TryGetValue(jobId, out var job) || job.OwnerId != userId) return new(JobCancelOutcome.NotFound, null);
        var (outcome, progress) = job.RequestCancel();
        switch (outcome)
        {
            case JobCancelOutcome.Cancelled:
                // Recorded by RequestCancel; the worker that later takes it sees the final state and skips it.
                await AnnounceFinishedAsync(job, progress);
                break;
            case JobCancelOutcome.Cancelling:
                job.Cancellation.Cancel();
                break;
        }
        return new(outcome, progress);
    }

    /// <summary>The latest progress of a job, for its owner (pages opened after it started).</summary>
    public JobProgress? Status(Guid jobId, string userId) =>
        jobs.TryGetValue(jobId, out var job) && job.OwnerId == userId ? job.Last : null;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken)));

    private void Admit(Job job)
    {
        lock (admission)
        {
            var unfinished = unfinishedByOwner.GetValueOrDefault(job.OwnerId);
            if (unfinished >= PerUserLimit) throw new JobLimitReachedException();
            if (waiting >= QueueCapacity) throw new JobQueueFullException();
            unfinishedByOwner[job.OwnerId] = unfinished + 1;
            waiting++;
        }
    }

    private void Release(Job job)
    {
        lock (admission)
        {
            if (unfinishedByOwner.GetValueOrDefault(job.OwnerId) <= 1) unfinishedByOwner.Remove(job.OwnerId);
            else unfinishedByOwner[job.OwnerId]--;
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken))
            {
                lock (admission) waiting--;
                await RunAsync(job, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping (also when start-up failed): not a fault worth a "crit" trace.
        }
    }

    private async Task RunAsync(Job job, CancellationToken stoppingToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, job.Cancellation.Token);
        try
        {
            linked.Token.ThrowIfCancellationRequested();
            if (!await AdvanceAsync(job, job.Progress(JobState.Running, 0, "Started"))) return; // cancelled while queued
            var context = new JobContext(job.Id, job.OwnerId, (p, m) => AdvanceAsync(job, job.Progress(JobState.Running, p, m)),
                settings.JobStepDelay, linked.Token);
            var output = await job.Work(context);
            var url = results.Store(job.Id, job.OwnerId, output);
            await FinishedAsync(job, job.Progress(JobState.Done, 100, $"Done: {output.FileName}", url));
        }
        catch (OperationCanceledException) when (job.Cancellation.IsCancellationRequested)
        {
            await FinishedAsync(job, job.Progress(JobState.Cancelled, job.Last.Percent, "Cancelled"));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await FinishedAsync(job, job.Progress(JobState.Cancelled, job.Last.Percent, "The server is shutting down"));
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Job {Job} ({Name}) failed", job.Id, job.Name);
            await FinishedAsync(job, job.Progress(JobState.Failed, job.Last.Percent,
                "Failed: " + (ex is App.Domain.Common.DomainException ? ex.Message : "an internal error occurred")));
        }
    }

    /// <summary>Records and publishes progress, unless it would move the job backwards; false when refused.</summary>
    private async Task<bool> AdvanceAsync(Job job, JobProgress progress)
    {
        if (!job.TryAdvance(progress)) return false;
        await PublishAsync(job, progress);
        return true;
    }

    /// <summary>A final state: recorded once (a second one is refused), then announced.</summary>
    private async Task FinishedAsync(Job job, JobProgress progress)
    {
        if (job.TryAdvance(progress)) await AnnounceFinishedAsync(job, progress);
    }

    /// <summary>After a final state was recorded: frees the owner's slot, keeps the state a while for pages that ask,
    /// and publishes it.</summary>
    private async Task AnnounceFinishedAsync(Job job, JobProgress progress)
    {
        Release(job);
        _ = Task.Delay(KeepFinishedFor, CancellationToken.None).ContinueWith(_ => jobs.TryRemove(job.Id, out Job? _), TaskScheduler.Default);
        await PublishAsync(job, progress);
    }

    private async Task PublishAsync(Job job, JobProgress progress)
    {
        try
        {
            await events.PublishAsync(RealtimeMessage.Create(JobProgress.Event, EventScope.User(job.OwnerId), progress, job.OwnerId));
        }
        catch (Exception ex) when (progress.State != JobState.Queued)
        {
            // Progress is best effort once the job runs; the state itself is recorded and answerable via Status.
            logger.LogWarning(ex, "Publishing progress of job {Job} failed", job.Id);
        }
    }
}
