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
        ArgumentNullException.ThrowIfNull(realtimeEvent);
        if (!RealtimeEventNames.IsValid(realtimeEvent.Name))
            throw new ArgumentException($"'{realtimeEvent.Name}' is not an event name such as 'projects.project.changed'.");
        if (realtimeEvent.Operation is not null && !RealtimeOperations.IsValid(realtimeEvent.Operation))
            throw new ArgumentException($"'{realtimeEvent.Operation}' is not Created, Updated or Deleted.");
        // Numbering and routing together, so this instance's events are routed in sequence order and every
        // connection and the SSE replay buffer see one arrival order (SSE resume relies on it). Routing only
        // enqueues, so the lock is held briefly.
        using var activity = RealtimeTracing.StartPublish(realtimeEvent);
        lock (order)
        {
            var numbered = realtimeEvent with
            {
                Sequence = sequence.Next(), Instance = InstanceId, TraceParent = realtimeEvent.TraceParent ?? RealtimeTracing.TraceParentOf(activity),
            };
            activity?.SetTag("realtime.sequence", numbered.Sequence);
            metrics.OnPublished();
            relay?.Send(numbered);
            Route(numbered, fromThisInstance: true);
            return numbered;
        }
    }

    private void OnRelayed(RealtimeEvent realtimeEvent)
    {
        if (realtimeEvent.Instance == InstanceId) return;
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
