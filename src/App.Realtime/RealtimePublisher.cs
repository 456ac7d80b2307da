using System.Numerics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace App.Realtime;

/// <summary>Publishes events to every connection allowed to hear their topic, on this instance and, with a relay,
/// on the others. Call it only for work that has committed: the app's after-commit bus forwards to it.</summary>
public interface IRealtimePublisher
{
    /// <summary>Numbers the event, relays it and routes it; returns it as delivered (with its sequence). Never
    /// waits for a subscriber and never throws because of one. A malformed name or topic throws.</summary>
    RealtimeEvent Publish(RealtimeEvent realtimeEvent);

    /// <summary>Publishes an event that may be published more than once (at-least-once delivery from an outbox): it
    /// needs an <see cref="RealtimeEvent.Id"/>, is routed here only the first time this instance sees that id, and is
    /// relayed every time. Completes true once the relay holds it (at once without a relay), false when the relay
    /// could not take it: publish it again later. Never throws because of a subscriber or the relay.</summary>
    Task<bool> PublishOnceAsync(RealtimeEvent realtimeEvent);
}

/// <summary>
/// The path to the clients: every published event gets a sequence number, is sent to other instances, and is
/// routed to exactly the connections whose audience includes its topic, plus the sinks that apply topic rules
/// themselves (SSE replay). The app's <see cref="IRealtimeAudienceRule"/>s run around routing.
/// </summary>
public sealed class RealtimePublisher(
    RealtimeAudience audience,
    RealtimeSequence sequence,
    RealtimeTail tail,
    RealtimeMetrics metrics,
    IEnumerable<IRealtimeAudienceRule> rules,
    IEnumerable<IRealtimeSink> sinks,
    IEnumerable<IRealtimeRelay> relays,
    RecentEventIds recentIds,
    ILogger<RealtimePublisher> logger) : IRealtimePublisher, IHostedService
{
    private readonly IRealtimeAudienceRule[] rules = rules.ToArray();
    private readonly IRealtimeSink[] sinks = sinks.ToArray();
    private readonly IRealtimeRelay? relay = relays.FirstOrDefault();
    private readonly Lock order = new();
    private int slotClashReported;

    /// <summary>Identifies this process in relayed events, so its own events coming back from Redis are ignored.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N")[..12];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (relay is not null) relay.Received += OnRelayed;
        logger.LogInformation("Realtime instance {InstanceId} numbers events in slot {Slot}", InstanceId, sequence.InstanceSlot);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (relay is not null) relay.Received -= OnRelayed;
        return Task.CompletedTask;
    }

    public RealtimeEvent Publish(RealtimeEvent realtimeEvent)
    {
        Validate(realtimeEvent);
        if (realtimeEvent.Id is not null && !recentIds.TryAdd(realtimeEvent.Id))
        {
            metrics.OnDuplicate();
            return realtimeEvent;
        }
        return PublishNumbered(realtimeEvent, route: true, confirm: false).Numbered;
    }

    public Task<bool> PublishOnceAsync(RealtimeEvent realtimeEvent)
    {
        Validate(realtimeEvent);
        if (string.IsNullOrEmpty(realtimeEvent.Id))
            throw new ArgumentException($"'{realtimeEvent.Name}' needs an Id to be published once.");
        var first = recentIds.TryAdd(realtimeEvent.Id);
        if (!first) metrics.OnDuplicate();
        return PublishNumbered(realtimeEvent, route: first, confirm: true).Relayed ?? Task.FromResult(true);
    }

    private static void Validate(RealtimeEvent realtimeEvent)
    {
        ArgumentNullException.ThrowIfNull(realtimeEvent);
        if (!RealtimeEventNames.IsValid(realtimeEvent.Name))
            throw new ArgumentException($"'{realtimeEvent.Name}' is not an event name such as 'projects.project.changed'.");
        if (realtimeEvent.Operation is not null && !RealtimeOperations.IsValid(realtimeEvent.Operation))
            throw new ArgumentException($"'{realtimeEvent.Operation}' is not Created, Updated or Deleted.");
    }

    private (RealtimeEvent Numbered, Task<bool>? Relayed) PublishNumbered(RealtimeEvent realtimeEvent, bool route, bool confirm)
    {
        // Numbering and routing together, so this instance's events are routed in sequence order and every
        // connection and the SSE replay buffer see one arrival order (SSE resume relies on it). Routing only
        // enqueues, so the lock is held briefly.
        using var activity = RealtimeTracing.StartPublish(realtimeEvent);
        lock (order)
        {
            var number = sequence.Next();
            var numbered = realtimeEvent with
            {
                // An event without an id gets this instance's id and its sequence in hex: unique across instances as
                // the pair is, and ~20x cheaper than a Guid, which costs ~500 ns here (a getrandom call) and halved
                // the in-process fan-out at small audiences (bench/RESULTS-NOTES.md).
                Id = realtimeEvent.Id ?? IdOf(number),
                Sequence = number, Instance = InstanceId, TraceParent = realtimeEvent.TraceParent ?? RealtimeTracing.TraceParentOf(activity),
            };
            activity?.SetTag("realtime.sequence", numbered.Sequence);
            if (route) metrics.OnPublished();
            Task<bool>? relayed = null;
            if (confirm) relayed = relay?.SendConfirmedAsync(numbered);
            else relay?.Send(numbered);
            if (route) Route(numbered, fromThisInstance: true);
            return (numbered, relayed);
        }
    }

    /// <summary>This instance's id and <paramref name="number"/> in lowercase hex, in one allocation (formatting with
    /// "x" took the number formatter's slow path, a twentieth of an event's publishing cost).</summary>
    private string IdOf(long number)
    {
        var digits = Math.Max(1, (64 - BitOperations.LeadingZeroCount((ulong)number) + 3) / 4);
        return string.Create(InstanceId.Length + digits, (InstanceId, Number: (ulong)number), static (id, state) =>
        {
            state.InstanceId.CopyTo(id);
            var n = state.Number;
            for (var i = id.Length - 1; i >= state.InstanceId.Length; i--, n >>= 4) id[i] = "0123456789abcdef"[(int)(n & 0xf)];
        });
    }

    private void OnRelayed(RealtimeEvent realtimeEvent)
    {
        if (realtimeEvent.Instance == InstanceId) return;
        // At least once: the same event may come back (an outbox retry here or on another instance, an entry read
        // twice); it is routed the first time only. Older instances' events without an id are routed as they come.
        if (realtimeEvent.Id is { } id && !recentIds.TryAdd(id))
        {
            metrics.OnDuplicate();
            return;
        }
        // Slots are drawn at random: two instances sharing one could hand out the same id (rare; visible here).
        if (RealtimeSequence.SlotOf(realtimeEvent.Sequence) == sequence.InstanceSlot && Interlocked.Exchange(ref slotClashReported, 1) == 0)
            logger.LogWarning("Instance {Other} numbers events in this instance's slot {Slot}: SSE ids may repeat; restart one of them",
                realtimeEvent.Instance, sequence.InstanceSlot);
        using var activity = RealtimeTracing.StartReceive(realtimeEvent);
        lock (order)
        {
            sequence.Observe(realtimeEvent.Sequence);
            Route(realtimeEvent, fromThisInstance: false);
        }
    }

    private void Route(RealtimeEvent realtimeEvent, bool fromThisInstance)
    {
        try
        {
            foreach (var rule in rules) rule.BeforeRouting(realtimeEvent, audience);
            if (!RealtimeTopics.IsValid(realtimeEvent.Topic))
            {
                metrics.OnUnroutable();
                logger.LogWarning("Realtime event {Event} #{Sequence} has a malformed topic and reaches nobody", realtimeEvent.Name, realtimeEvent.Sequence);
            }
            var recipients = audience.Recipients(realtimeEvent.Topic);
            for (var i = 0; i < recipients.Length; i++) recipients[i].Deliver(realtimeEvent);
            foreach (var sink in sinks)
            {
                try
                {
                    sink.Publish(realtimeEvent, fromThisInstance);
                }
                catch (Exception ex)
                {
                    metrics.OnRelayFailure();
                    logger.LogError(ex, "Realtime sink {Sink} failed for {Event}", sink.GetType().Name, realtimeEvent.Name);
                }
            }
            foreach (var rule in rules) rule.AfterRouting(realtimeEvent, audience);
            tail.Add(realtimeEvent);
        }
        catch (Exception ex)
        {
            // A delivery fault is logged and counted; it never reaches the publisher or undoes its commit.
            metrics.OnHandlerFailure();
            logger.LogError(ex, "Routing realtime event {Event} failed", realtimeEvent.Name);
        }
    }
}
