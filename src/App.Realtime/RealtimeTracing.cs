using System.Diagnostics;

namespace App.Realtime;

/// <summary>
/// Traces that follow an event from the work that published it to its deliveries: <c>realtime.publish</c> is a
/// child of whatever was running (the HTTP request or Blazor event that saved), the event carries its W3C
/// <see cref="RealtimeEvent.TraceParent"/> across instances, a relayed event is routed under
/// <c>realtime.receive</c>, and each batch a connection's queue hands over is a <c>realtime.deliver</c> span in the
/// first event's trace (linked to the others). Register <see cref="SourceName"/> with OpenTelemetry to export them.
/// </summary>
/// <remarks>Deliveries are traced per batch, and only for events whose trace is sampled: with thousands of
/// connections a span per delivery would cost more than the delivery. An app that samples its traces samples these.</remarks>
public static class RealtimeTracing
{
    public const string SourceName = "App.Realtime";
    private const int MaxLinks = 16;

    internal static readonly ActivitySource Source = new(SourceName);

    internal static Activity? StartPublish(RealtimeEvent realtimeEvent)
    {
        var activity = Source.StartActivity("realtime.publish", ActivityKind.Producer);
        activity?.SetTag("realtime.event", realtimeEvent.Name).SetTag("realtime.topic", realtimeEvent.Topic);
        return activity;
    }

    /// <summary>The context to carry on an event: the publish span's, else whatever is current.</summary>
    internal static string? TraceParentOf(Activity? publish) =>
        (publish ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    internal static Activity? StartReceive(RealtimeEvent realtimeEvent)
    {
        if (!Source.HasListeners() || !TryContext(realtimeEvent, out var parent)) return null;
        var activity = Source.StartActivity("realtime.receive", ActivityKind.Consumer, parent);
        activity?.SetTag("realtime.event", realtimeEvent.Name).SetTag("realtime.sequence", realtimeEvent.Sequence);
        return activity;
    }

    internal static Activity? StartDeliver(string connectionId, IReadOnlyList<RealtimeEvent> batch)
    {
        if (!Source.HasListeners() || batch.Count == 0 || !TryContext(batch[0], out var parent)
            || (parent.TraceFlags & ActivityTraceFlags.Recorded) == 0) return null;
        List<ActivityLink>? links = null;
        for (var i = 1; i < batch.Count && i <= MaxLinks; i++)
            if (TryContext(batch[i], out var other) && other.TraceId != parent.TraceId) (links ??= []).Add(new ActivityLink(other));
        var activity = Source.StartActivity("realtime.deliver", ActivityKind.Consumer, parent, links: links);
        activity?.SetTag("realtime.connection", connectionId).SetTag("realtime.events", batch.Count);
        return activity;
    }

    private static bool TryContext(RealtimeEvent realtimeEvent, out ActivityContext context)
    {
        context = default;
        return realtimeEvent.TraceParent is { } traceParent && ActivityContext.TryParse(traceParent, null, isRemote: true, out context);
    }
}
