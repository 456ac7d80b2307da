using System.Threading.Channels;
using App.Domain.Events;
using App.Domain.Outbox;
using App.Realtime;

namespace App.Web.Realtime;

/// <summary>
/// Hands the outbox's events to the realtime publisher, at least once. After a commit the staged events are published
/// at once (<see cref="Dispatch"/>: no polling on the happy path) and their rows marked dispatched as soon as the
/// relay holds them (in batches, off the saving thread). A sweep every <see cref="SweepEvery"/> publishes rows still
/// undispatched <see cref="SweepAfter"/> after they were written: the process died between commit and publish, or the
/// relay (Redis) could not take them. Every instance sweeps, so during a Redis outage the database carries events
/// between instances (a second or two late), and after a crash another instance sends what the dead one committed.
/// Receivers route each event id once (<see cref="IRealtimePublisher.PublishOnceAsync"/>). Dispatched rows are
/// deleted after <see cref="KeepDispatched"/>; rows that could not be relayed for <see cref="GiveUpAfter"/> are
/// deleted with a warning (every instance has routed them from the database by then). When the relay reports that
/// entries may have been lost after it held them (<see cref="RealtimeRelayGaps"/>: Redis restarted empty), the rows
/// dispatched since then are made undispatched, so the sweep sends them again.
/// </summary>
public sealed class OutboxDispatcher(IRealtimePublisher publisher, OutboxStore store, RealtimeRelayGaps gaps, TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    public static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan SweepAfter = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan KeepDispatched = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(1);
    private static readonly TimeSpan CleanEvery = TimeSpan.FromMinutes(1);
    private const int SweepBatch = 500;
    private const int MarkBatch = 500;

    private readonly Channel<string> relayed = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private long sweptAfterId;
    private int failing;

    /// <summary>Publishes a committed event now; its row is marked once the relay holds it.</summary>
    public void Dispatch(IRealtimeDomainEvent domainEvent)
    {
        var eventId = domainEvent.EventId ?? throw new ArgumentException("Only outbox events (with an EventId) are dispatched here.");
        var publishing = publisher.PublishOnceAsync(DomainEventForwarder.ToRealtimeEvent(domainEvent));
        if (publishing.IsCompletedSuccessfully)
        {
            if (publishing.Result) relayed.Writer.TryWrite(eventId);
            return;
        }
        _ = MarkWhenRelayedAsync(publishing, eventId);
    }

    private async Task MarkWhenRelayedAsync(Task<bool> publishing, string eventId)
    {
        // False (the relay could not take it): the row stays undispatched and the sweep sends it again.
        if (await publishing) relayed.Writer.TryWrite(eventId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        gaps.Lost += OnRelayLost;
        try
        {
            await Task.WhenAll(MarkLoopAsync(stoppingToken), SweepLoopAsync(stoppingToken));
        }
        finally
        {
            gaps.Lost -= OnRelayLost;
        }
    }

    private void OnRelayLost(DateTimeOffset since) => _ = Task.Run(() => Safely(async () =>
    {
        var undone = await store.UndoDispatchedSinceAsync(since.UtcDateTime);
        logger.LogWarning("The relay may have lost events sent since {Since:O}: {Count} outbox events will be sent again", since, undone);
    }, "re-sending events the relay lost"));

    private async Task MarkLoopAsync(CancellationToken ct)
    {
        var batch = new List<string>(MarkBatch);
        try
        {
            while (await relayed.Reader.WaitToReadAsync(ct))
            {
                while (batch.Count < MarkBatch && relayed.Reader.TryRead(out var id)) batch.Add(id);
                await Safely(() => store.MarkDispatchedAsync(batch, clock.GetUtcNow().UtcDateTime, ct), "marking events dispatched");
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task SweepLoopAsync(CancellationToken ct)
    {
        var lastClean = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(SweepEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await Safely(() => SweepOnceAsync(ct), "sweeping the outbox");
                if (clock.GetUtcNow() - lastClean < CleanEvery) continue;
                lastClean = clock.GetUtcNow();
                await Safely(() => CleanAsync(ct), "cleaning the outbox");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Publishes one batch of rows left undispatched; returns how many it published.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var pending = await store.UndispatchedAsync(now - SweepAfter, Interlocked.Read(ref sweptAfterId), SweepBatch, ct);
        // Pages through a long backlog one batch per sweep, then starts over from the oldest.
        Interlocked.Exchange(ref sweptAfterId, pending.Count == SweepBatch ? pending[^1].Id : 0);
        if (pending.Count == 0) return 0;
        var sends = new List<(string EventId, Task<bool> Relayed)>(pending.Count);
        var unreadable = new List<string>();
        foreach (var row in pending)
        {
            try
            {
                var (domainEvent, awaitingResult) = OutboxBody.Read(row.Body);
                if (awaitingResult)
                    logger.LogWarning("Outbox row {Id} ({Event}): its declared call committed but never returned (it threw, or its " +
                        "process died); published without what its result decides", row.Id, domainEvent.Name);
                sends.Add((row.EventId, publisher.PublishOnceAsync(DomainEventForwarder.ToRealtimeEvent(domainEvent))));
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException)
            {
                // Retrying would fail the same way every second: skip it, loudly.
                logger.LogError(ex, "Outbox row {Id} ({EventId}) cannot be published; it is marked dispatched and skipped", row.Id, row.EventId);
                unreadable.Add(row.EventId);
            }
        }
        await Task.WhenAll(sends.Select(s => s.Relayed));
        var done = sends.Where(s => s.Relayed.Result).Select(s => s.EventId).Concat(unreadable).ToList();
        await store.MarkDispatchedAsync(done, clock.GetUtcNow().UtcDateTime, ct);
        if (done.Count < pending.Count)
            logger.LogDebug("Outbox sweep: {Relayed} of {Pending} events relayed; the rest are retried", done.Count, pending.Count);
        return sends.Count;
    }

    private async Task CleanAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var (_, abandoned) = await store.DeleteOldAsync(now - KeepDispatched, now - GiveUpAfter, ct);
        if (abandoned > 0)
            logger.LogWarning("Deleted {Count} outbox events the relay could not take for {Hours} h (this instance routed them from the database)",
                abandoned, GiveUpAfter.TotalHours);
    }

    private async Task Safely(Func<Task> work, string what)
    {
        try
        {
            await work();
            if (Interlocked.Exchange(ref failing, 0) == 1) logger.LogWarning("The outbox works again");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A database outage: logged once; rows stay and are retried by the next sweep.
            if (Interlocked.Exchange(ref failing, 1) == 0) logger.LogError(ex, "The outbox failed {What}; retrying every second", what);
        }
    }
}
