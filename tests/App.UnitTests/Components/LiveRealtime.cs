using App.Realtime;
using App.Realtime.Circuits;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Components;

/// <summary>
/// The real realtime layer in a bUnit context: built with <c>AddRealtime</c> as the app builds it, the circuit
/// opened as the circuit handler opens it, handlers run on bUnit's renderer (an interactive one, so realtime
/// components attach its dispatcher as they do in a circuit). Tests publish through the real publisher and see
/// exactly what a circuit would route to the component.
/// </summary>
public sealed class LiveRealtime
{
    private readonly BunitContext context;

    private LiveRealtime(BunitContext context, BunitAuthorizationContext authorization)
    {
        this.context = context;
        Authorization = authorization;
    }

    /// <summary>Register before anything resolves a service; call <see cref="OpenAsync"/> before rendering.</summary>
    public static LiveRealtime AddTo(BunitContext context, Action<RealtimeBuilder>? configure = null)
    {
        context.Services.AddLogging();
        var builder = context.Services.AddRealtime();
        configure?.Invoke(builder);
        return new LiveRealtime(context, context.AddAuthorization());
    }

    /// <summary>Who the circuit's user is (anonymous until set).</summary>
    public BunitAuthorizationContext Authorization { get; }

    public CircuitRealtime Circuit => context.Services.GetRequiredService<CircuitRealtime>();

    public RealtimeAudience Audience => context.Services.GetRequiredService<RealtimeAudience>();

    /// <summary>Joins the audience as a circuit does when it opens (registering services ends here).</summary>
    public Task OpenAsync()
    {
        context.SetRendererInfo(new RendererInfo("Server", true));
        return Circuit.OpenAsync();
    }

    public RealtimeEvent Publish(string name, object? payload = null, string topic = RealtimeTopics.Global,
        string? operation = null, string? originId = null) =>
        context.Services.GetRequiredService<IRealtimePublisher>().Publish(new RealtimeEvent
        {
            Name = name, Topic = topic, Operation = operation, OriginId = originId, OccurredAt = DateTimeOffset.UtcNow,
            Payload = System.Text.Json.JsonSerializer.SerializeToElement(payload ?? new { }, RealtimeJson.Options),
        });

    /// <summary>What a Redis outage does: every connection is told it may have missed events.</summary>
    public void NotifyMissed()
    {
        foreach (var connection in Audience.Connections) connection.NotifyMissed();
    }
}
