using App.Domain.Events;

namespace App.Web.Realtime;

/// <summary>
/// The path from the domain to the clients: every realtime domain event (after its transaction committed) gets
/// a sequence number, is sent to other instances, and is routed here to exactly the connections allowed to see
/// its scope, plus the transports that apply scope rules themselves (hub groups, SSE replay).
/// Routing never waits for a subscriber and never throws back into the publisher.
/// </summary>
public sealed class RealtimeBridge(
    IDomainEvents events,
    RealtimeAudience audience,
    RealtimeSequence sequence,
    RealtimeTail tail,
    RealtimeMetrics metrics,
    IEnumerable<IRealtimeSink> sinks,
    IEnumerable<IRealtimeRelay> relays,
    ILogger<RealtimeBridge> logger,
    ILoggerFactory loggerFactory) : IHostedService
{
    private readonly IRealtimeSink[] sinks = sinks.ToArray();
    private readonly IRealtimeRelay? relay = relays.FirstOrDefault();
    private readonly AudienceRules rules = new(audience, loggerFactory.CreateLogger<AudienceRules>());
    private readonly Lock order = new();
    private IDisposable? subscription;
    private int slotClashReported;

    /// <summary>Identifies this process in relayed events, so its own events coming back from Redis are ignored.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N")[..12];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = events.Subscribe<IRealtimeDomainEvent>((e, _) =>
        {
            PublishLocal(e);
            return ValueTask.CompletedTask;
        });
        if (relay is not null) relay.Received += OnRelayed;
        logger.LogInformation("Realtime instance {InstanceId} numbers events in slot {Slot}", InstanceId, sequence.InstanceSlot);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        subscription?.Dispose();
        if (relay is not null) relay.Received -= OnRelayed;
        return Task.CompletedTask;
    }

    /// <summary>An event published by this instance.</summary>
    public RealtimeEnvelope PublishLocal(IRealtimeDomainEvent domainEvent)
    {
        // Numbering and routing together, so this instance's events are routed in sequence order and every
        // connection and the SSE replay buffer see one arrival order
        // (SSE resume relies on it). Routing only enqueues, so the lock is held briefly.
        lock (order)
        {
            var envelope = RealtimeEnvelope.From(domainEvent, sequence.Next(), InstanceId);
            metrics.OnPublished();
            relay?.Send(envelope);
            Route(envelope, fromThisInstance: true);
            return envelope;
        }
    }

    private void OnRelayed(RealtimeEnvelope envelope)
    {
        if (envelope.Instance == InstanceId) return;
        // Slots are drawn at random: two instances sharing one could hand out the same id (rare; visible here).
        if (RealtimeSequence.SlotOf(envelope.Sequence) == sequence.InstanceSlot && Interlocked.Exchange(ref slotClashReported, 1) == 0)
            logger.LogWarning("Instance {Other} numbers events in this instance's slot {Slot}: SSE ids may repeat; restart one of them",
                envelope.Instance, sequence.InstanceSlot);
        lock (order)
        {
            sequence.Observe(envelope.Sequence);
            Route(envelope, fromThisInstance: false);
        }
    }

    private void Route(RealtimeEnvelope envelope, bool fromThisInstance)
    {
        try
        {
            rules.BeforeRouting(envelope);
            if (!envelope.Scope.IsKnown)
            {
                metrics.OnUnroutable();
                logger.LogWarning("Realtime event {Event} #{Sequence} has an unknown scope and reaches nobody", envelope.Event, envelope.Sequence);
            }
            var recipients = audience.Recipients(envelope.Scope);
            for (var i = 0; i < recipients.Length; i++) recipients[i].Deliver(envelope);
            foreach (var sink in sinks)
            {
                try
                {
                    sink.Publish(envelope, fromThisInstance);
                }
                catch (Exception ex)
                {
                    metrics.OnRelayFailure();
                    logger.LogError(ex, "Realtime sink {Sink} failed for {Event}", sink.GetType().Name, envelope.Event);
                }
            }
            rules.AfterRouting(envelope);
            tail.Add(envelope);
        }
        catch (Exception ex)
        {
            // A delivery fault is logged and counted; it never reaches the publisher or undoes its commit.
            metrics.OnHandlerFailure();
            logger.LogError(ex, "Routing realtime event {Event} failed", envelope.Event);
        }
    }
}
