using System.Collections.Concurrent;
using System.Text.Json;
using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Persistence;
using App.Web.Configuration;
using App.Web.Jobs;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.UnitTests.Jobs;

/// <summary>The runner as the app runs it (real workers, real bus); jobs are driven by gates the test opens, and
/// every assertion is on published progress or the answers callers get, never on elapsed time.</summary>
public sealed class JobRunnerTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30); // only guards against a hang

    private readonly DomainEventBus bus = new();
    private readonly ConcurrentQueue<JobProgress> published = new();
    private readonly ConcurrentDictionary<(Guid, JobState), TaskCompletionSource> reached = new();
    private readonly JobRunner runner;

    public JobRunnerTests()
    {
        var settings = new AppSettings
        {
            Database = new DatabaseSettings(DatabaseProvider.Sqlite, "Data Source=:memory:"),
            AutoMigrate = false, DatabaseConnectTimeout = TimeSpan.FromSeconds(1), DataPath = ".", DataProtectionKeysPath = ".",
            RealtimeRedisPrefix = "t", TenancyMode = "multi", OperatorEmails = [],
        };
        runner = new JobRunner(bus, new JobResults(TimeProvider.System), settings, NullLogger<JobRunner>.Instance);
        bus.Subscribe<RealtimeMessage>((m, _) =>
        {
            var progress = m.Payload.Deserialize<JobProgress>(RealtimePayloadJson)!;
            published.Enqueue(progress);
            Reached(progress.JobId, progress.State).TrySetResult();
            return ValueTask.CompletedTask;
        });
    }

    private static readonly System.Text.Json.JsonSerializerOptions RealtimePayloadJson = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public Task InitializeAsync() => runner.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        using var stop = new CancellationTokenSource(Generous);
        await runner.StopAsync(stop.Token);
        runner.Dispose();
    }

    private TaskCompletionSource Reached(Guid job, JobState state) =>
        reached.GetOrAdd((job, state), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private Task WaitForAsync(Guid job, JobState state) => Reached(job, state).Task.WaitAsync(Generous);

    private List<JobState> StatesOf(Guid job) => published.Where(p => p.JobId == job).Select(p => p.State).ToList();

    private static JobOutput Output() => new("out.csv", "text/csv", [1]);

    /// <summary>A job that reports progress, then waits until the test opens its gate.</summary>
    private static Func<JobContext, Task<JobOutput>> Gated(TaskCompletionSource gate) => async job =>
    {
        await job.ReportAsync(10, "working");
        await gate.Task.WaitAsync(job.CancellationToken);
        return Output();
    };

    [Fact]
    public async Task A_failing_job_ends_Failed_and_the_runner_goes_on_with_the_next_job()
    {
        var failing = await runner.EnqueueAsync("u1", "Boom", _ => throw new InvalidOperationException("secret detail"));
        await WaitForAsync(failing, JobState.Failed);
        var next = await runner.EnqueueAsync("u1", "Fine", _ => Task.FromResult(Output()));
        await WaitForAsync(next, JobState.Done);

        var failed = runner.Status(failing, "u1")!;
        Assert.Equal(JobState.Failed, failed.State);
        Assert.DoesNotContain("secret detail", failed.Message); // internal errors stay internal
        var domainFailure = await runner.EnqueueAsync("u1", "Refused", _ => throw new DomainValidationException("name", "Name is required."));
        await WaitForAsync(domainFailure, JobState.Failed);
        Assert.Contains("Name is required.", runner.Status(domainFailure, "u1")!.Message);
        Assert.Equal(JobState.Done, runner.Status(next, "u1")!.State);
    }

    [Fact]
    public async Task Cancelling_a_running_job_ends_it_Cancelled()
    {
        var gate = new TaskCompletionSource();
        var job = await runner.EnqueueAsync("u1", "Long", Gated(gate));
        await WaitForAsync(job, JobState.Running);

        var answer = await runner.CancelAsync(job, "u1");
        await WaitForAsync(job, JobState.Cancelled);

        Assert.Equal(JobCancelOutcome.Cancelling, answer.Outcome);
        Assert.Equal(JobState.Cancelled, runner.Status(job, "u1")!.State);
        Assert.Equal(JobCancelOutcome.NotFound, (await runner.CancelAsync(job, "someone-else")).Outcome);
    }

    [Fact]
    public async Task Cancelling_a_finished_job_changes_nothing_and_says_so()
    {
        var job = await runner.EnqueueAsync("u1", "Quick", _ => Task.FromResult(Output()));
        await WaitForAsync(job, JobState.Done);

        var answer = await runner.CancelAsync(job, "u1");
        var again = await runner.CancelAsync(job, "u1");

        Assert.Equal(JobCancelOutcome.AlreadyFinished, answer.Outcome);
        Assert.Equal(JobState.Done, answer.Progress!.State);
        Assert.Equal(JobCancelOutcome.AlreadyFinished, again.Outcome);
        Assert.Equal(JobState.Done, runner.Status(job, "u1")!.State);
        Assert.Equal(JobState.Done, StatesOf(job)[^1]);
    }

    [Fact]
    public async Task States_never_go_backwards_even_when_the_job_finishes_before_Enqueue_returns()
    {
        var jobs = new List<(string Owner, Guid Id)>();
        for (var i = 0; i < 30; i++)
            jobs.Add(($"u{i}", await runner.EnqueueAsync($"u{i}", "Instant", _ => Task.FromResult(Output()))));
        foreach (var (_, job) in jobs) await WaitForAsync(job, JobState.Done);

        foreach (var (owner, job) in jobs)
        {
            Assert.Equal(JobState.Done, runner.Status(job, owner)!.State);
            var states = StatesOf(job);
            Assert.Equal(JobState.Queued, states[0]);
            Assert.Equal(JobState.Done, states[^1]);
            Assert.Equal(states.Order(), states); // Queued < Running < Done in the enum
        }
    }

    [Fact]
    public async Task A_job_cancelled_while_queued_is_Cancelled_at_once_and_never_runs()
    {
        var gates = Enumerable.Range(0, JobRunner.Workers).Select(_ => new TaskCompletionSource()).ToList();
        var busy = new List<Guid>();
        foreach (var gate in gates) busy.Add(await runner.EnqueueAsync($"busy{busy.Count}", "Busy", Gated(gate)));
        foreach (var job in busy) await WaitForAsync(job, JobState.Running);
        var ran = false;
        var queued = await runner.EnqueueAsync("u1", "Waiting", _ => { ran = true; return Task.FromResult(Output()); });

        var answer = await runner.CancelAsync(queued, "u1");
        foreach (var gate in gates) gate.SetResult();
        foreach (var job in busy) await WaitForAsync(job, JobState.Done);
        var after = await runner.EnqueueAsync("u1", "After", _ => Task.FromResult(Output())); // same worker queue, behind it
        await WaitForAsync(after, JobState.Done);

        Assert.Equal(JobCancelOutcome.Cancelled, answer.Outcome);
        Assert.Equal([JobState.Queued, JobState.Cancelled], StatesOf(queued));
        Assert.False(ran);
    }

    [Fact]
    public async Task One_person_cannot_have_more_than_the_limit_queued_or_running()
    {
        var gate = new TaskCompletionSource();
        var mine = new List<Guid>();
        for (var i = 0; i < JobRunner.PerUserLimit; i++) mine.Add(await runner.EnqueueAsync("greedy", "Mine", Gated(gate)));

        var refused = await Assert.ThrowsAsync<JobLimitReachedException>(() => runner.EnqueueAsync("greedy", "One more", Gated(gate)));
        var other = await runner.EnqueueAsync("polite", "Theirs", _ => Task.FromResult(Output())); // the limit is per person
        gate.SetResult();
        foreach (var job in mine) await WaitForAsync(job, JobState.Done);
        await WaitForAsync(other, JobState.Done);
        var later = await runner.EnqueueAsync("greedy", "Later", _ => Task.FromResult(Output())); // finished jobs free their slots

        Assert.Contains($"{JobRunner.PerUserLimit} jobs", refused.Message);
        await WaitForAsync(later, JobState.Done);
    }

    [Fact]
    public async Task A_full_queue_refuses_clearly_and_every_accepted_job_still_runs()
    {
        var gate = new TaskCompletionSource();
        var accepted = new List<Guid>();
        for (var i = 0; i < JobRunner.Workers; i++) accepted.Add(await runner.EnqueueAsync($"runner{i}", "Running", Gated(gate)));
        foreach (var job in accepted) await WaitForAsync(job, JobState.Running);
        for (var i = 0; i < JobRunner.QueueCapacity; i++) accepted.Add(await runner.EnqueueAsync($"owner{i}", "Queued", Gated(gate)));

        var refused = await Assert.ThrowsAsync<JobQueueFullException>(() => runner.EnqueueAsync("late", "Too many", Gated(gate)));
        gate.SetResult();
        foreach (var job in accepted) await WaitForAsync(job, JobState.Done);

        Assert.Contains("queue is full", refused.Message);
        Assert.DoesNotContain(published, p => p.Name == "Too many"); // a refused job leaves no trace
        Assert.All(accepted, j => Assert.Equal(JobState.Done, StatesOf(j)[^1]));
    }
}
