using System.Collections.Concurrent;
using System.Threading.Channels;
using App.Domain.Events;
using App.Web.Configuration;

namespace App.Web.Jobs;

/// <summary>
/// Runs long tasks in the background: a bounded queue (a full queue refuses new jobs with a clear message), a fixed
/// number of workers, cancellation by the owner, and progress published as <c>jobs.job.progress</c> to the owner's
/// scope. A job that throws is reported as failed; the runner carries on with the next one.
/// </summary>
public sealed class JobRunner(IDomainEvents events, JobResults results, AppSettings settings, ILogger<JobRunner> logger)
    : BackgroundService
{
    public const int QueueCapacity = 32;
    public const int Workers = 2;

    private readonly Channel<Job> queue = Channel.CreateBounded<Job>(new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.Wait });
    private readonly ConcurrentDictionary<Guid, Job> jobs = new();

    /// <summary>Queues a job for <paramref name="ownerId"/>; throws <see cref="JobQueueFullException"/> when full.</summary>
    public async Task<Guid> EnqueueAsync(string ownerId, string name, Func<JobContext, Task<JobOutput>> work)
    {
        var job = new Job(Guid.CreateVersion7(), ownerId, name, work);
        if (!queue.Writer.TryWrite(job)) throw new JobQueueFullException();
        jobs[job.Id] = job;
        await PublishAsync(job, JobState.Queued, 0, "Waiting to start...");
        return job.Id;
    }

    /// <summary>Cancels a queued or running job; only its owner may. Returns false when there is nothing to cancel.</summary>
    public bool Cancel(Guid jobId, string userId)
    {
        if (!jobs.TryGetValue(jobId, out var job) || job.OwnerId != userId) return false;
        job.Cancellation.Cancel();
        return true;
    }

    /// <summary>The latest progress of a job, for its owner (pages opened after it started).</summary>
    public JobProgress? Status(Guid jobId, string userId) =>
        jobs.TryGetValue(jobId, out var job) && job.OwnerId == userId ? job.Last : null;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken))
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, job.Cancellation.Token);
            try
            {
                linked.Token.ThrowIfCancellationRequested();
                await PublishAsync(job, JobState.Running, 0, "Started");
                var context = new JobContext(job.Id, job.OwnerId, (p, m) => PublishAsync(job, JobState.Running, p, m),
                    settings.JobStepDelay, linked.Token);
                var output = await job.Work(context);
                var url = results.Store(job.Id, job.OwnerId, output);
                await PublishAsync(job, JobState.Done, 100, $"Done: {output.FileName}", url);
            }
            catch (OperationCanceledException) when (job.Cancellation.IsCancellationRequested)
            {
                await PublishAsync(job, JobState.Cancelled, job.Last?.Percent ?? 0, "Cancelled");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                await PublishAsync(job, JobState.Cancelled, job.Last?.Percent ?? 0, "The server is shutting down");
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Job {Job} ({Name}) failed", job.Id, job.Name);
                await PublishAsync(job, JobState.Failed, job.Last?.Percent ?? 0, "Failed: " + (ex is App.Domain.Common.DomainException ? ex.Message : "an internal error occurred"));
            }
            finally
            {
                job.Cancellation.Dispose();
                // Keep the final state a while for pages that ask, then forget it.
                _ = Task.Delay(TimeSpan.FromMinutes(10), CancellationToken.None).ContinueWith(_ => jobs.TryRemove(job.Id, out Job? _), TaskScheduler.Default);
            }
        }
    }

    private async Task PublishAsync(Job job, JobState state, int percent, string message, string? resultUrl = null)
    {
        var progress = new JobProgress(job.Id, job.Name, state, percent, message, resultUrl);
        job.Last = progress;
        await events.PublishAsync(RealtimeMessage.Create(JobProgress.Event, EventScope.User(job.OwnerId), progress, job.OwnerId));
    }

    private sealed class Job(Guid id, string ownerId, string name, Func<JobContext, Task<JobOutput>> work)
    {
        public Guid Id { get; } = id;
        public string OwnerId { get; } = ownerId;
        public string Name { get; } = name;
        public Func<JobContext, Task<JobOutput>> Work { get; } = work;
        public CancellationTokenSource Cancellation { get; } = new();
        public JobProgress? Last { get; set; }
    }
}
