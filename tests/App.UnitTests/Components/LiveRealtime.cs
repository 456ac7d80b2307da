using System.Security.Claims;
using App.Domain.Events;
using App.Realtime;
using App.Realtime.Circuits;
using App.Web.Realtime;
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

    /// <summary>As <see cref="AddTo(BunitContext, Action{RealtimeBuilder}?)"/>, with this app's audience: the user
    /// hears the workspaces they are a member of (the test registers <c>WorkspaceDirectory</c>).</summary>
    public static LiveRealtime AddWithWorkspaces(BunitContext context) =>
        AddTo(context, b => b.AddAudienceResolver<WorkspaceAudienceResolver>());

    /// <summary>As <see cref="AddTo(BunitContext, Action{RealtimeBuilder}?)"/>, for tests without a database: the
    /// signed-in user hears <paramref name="topics"/>.</summary>
    public static LiveRealtime AddWithTopics(BunitContext context, params string[] topics) => AddWithTopics(context, null, topics);

    /// <summary>As <see cref="AddWithTopics(BunitContext, string[])"/>, with more configuration (e.g. Redis).</summary>
    public static LiveRealtime AddWithTopics(BunitContext context, Action<RealtimeBuilder>? configure, params string[] topics)
    {
        var live = AddTo(context, configure);
        context.Services.AddSingleton<IRealtimeAudienceResolver>(new FixedTopics(topics));
        return live;
    }

    /// <summary>Who the circuit's user is (anonymous until set).</summary>
    public BunitAuthorizationContext Authorization { get; }

    public CircuitRealtime Circuit => context.Services.GetRequiredService<CircuitRealtime>();

    public RealtimeAudience Audience => context.Services.GetRequiredService<RealtimeAudience>();

    /// <summary>Joins the audience as a circuit does when it opens (registering services ends here), and renders
    /// <see cref="RealtimeDispatcher"/> as the app's Routes.razor does, so service subscriptions run too.</summary>
    public async Task OpenAsync()
    {
        context.SetRendererInfo(new RendererInfo("Server", true));
        await Circuit.OpenAsync();
        context.Render<RealtimeDispatcher>();
    }

    /// <summary>Signs <paramref name="userId"/> in and opens the circuit.</summary>
    public Task SignInAsync(string userId, string name = "user")
    {
        Authorization.SetAuthorized(name);
        Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
        return OpenAsync();
    }

    public string OriginId => Circuit.OriginId;

    /// <summary>Subscriptions open on this circuit now.</summary>
    public int SubscriptionCount => Audience.Connections.OfType<CircuitConnection>().SingleOrDefault()?.SubscriptionCount ?? 0;

    /// <summary>Publishes as the domain would and, when this circuit hears the topic, waits until its handlers ran
    /// (so a test can assert right after).</summary>
    public async Task RaiseAsync(string name, object? payload = null, EventScope? scope = null, EntityOperation? operation = null,
        string? origin = null, string? entityId = null)
    {
        var metrics = context.Services.GetRequiredService<RealtimeMetrics>();
        var before = metrics.Delivered + metrics.HandlerFailures;
        var topic = (scope ?? EventScope.Global).Key;
        var heard = Audience.Of(topic).OfType<CircuitConnection>().Any();
        context.Services.GetRequiredService<IRealtimePublisher>().Publish(new RealtimeEvent
        {
            Name = name, Topic = topic, Operation = operation?.ToString(), OriginId = origin, EntityId = entityId,
            OccurredAt = DateTimeOffset.UtcNow, Payload = RealtimePayload.Snapshot(payload, name),
        });
        if (!heard) return;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (metrics.Delivered + metrics.HandlerFailures == before)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{name} did not reach the circuit's handlers within 5 s");
            await Task.Delay(5);
        }
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

    private sealed class FixedTopics(string[] topics) : IRealtimeAudienceResolver
    {
        public Task<IReadOnlyList<string>> TopicsOfAsync(string userId, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<string>>(topics);

        public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> TopicsOfActiveUsersAsync(IReadOnlyCollection<string> userIds,
            CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<string>>>(userIds.ToDictionary(u => u, _ => (IReadOnlyList<string>)topics));
    }
}
