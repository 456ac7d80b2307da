using App.Domain.Events;
using App.Realtime;
using App.Web.Realtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace RealtimeBench;

/// <summary>The product's realtime path without a web host, wired by <c>AddRealtime</c> as the app wires it:
/// bus -> forwarder -> publisher -> audience -> connections.</summary>
internal sealed class Harness : IAsyncDisposable
{
    private readonly ServiceProvider services;
    private readonly IHostedService[] hosted;

    public Harness()
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton<IDomainEvents, DomainEventBus>();
        collection.AddRealtime().AddAudienceRule<WorkspaceAudienceRules>();
        collection.AddHostedService<DomainEventForwarder>();
        services = collection.BuildServiceProvider();
        hosted = services.GetServices<IHostedService>().ToArray();
        foreach (var service in hosted) service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        Bus = services.GetRequiredService<IDomainEvents>();
    }

    /// <summary>Resolved once, as a domain service holds its injected bus.</summary>
    public IDomainEvents Bus { get; }
    public RealtimeAudience Audience => services.GetRequiredService<RealtimeAudience>();
    public RealtimeMetrics Metrics => services.GetRequiredService<RealtimeMetrics>();
    public RealtimeSequence Sequence => services.GetRequiredService<RealtimeSequence>();

    public static readonly System.Text.Json.JsonElement Payload =
        System.Text.Json.JsonDocument.Parse("{\"name\":\"benchmark\",\"status\":\"Open\"}").RootElement.Clone();

    /// <summary>An event as a domain service would publish it (payload already a JSON snapshot).</summary>
    public ValueTask PublishAsync(EventScope scope) =>
        Bus.PublishAsync(new RealtimeMessage { Name = "bench.fanout", Scope = scope, Payload = Payload });

    public async ValueTask DisposeAsync()
    {
        foreach (var service in hosted) await service.StopAsync(CancellationToken.None);
        await services.DisposeAsync();
    }
}

/// <summary>Latencies in microseconds, recorded lock-free into a preallocated array.</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly double[] samples = new double[capacity];
    private int count;

    public void Add(double microseconds)
    {
        var index = Interlocked.Increment(ref count) - 1;
        if (index < samples.Length) samples[index] = microseconds;
    }

    public (double P50, double P99) Percentiles()
    {
        var n = Math.Min(count, samples.Length);
        if (n == 0) return (double.NaN, double.NaN);
        var sorted = samples.AsSpan(0, n).ToArray();
        Array.Sort(sorted);
        return (sorted[(int)Math.Ceiling(0.50 * n) - 1], sorted[(int)Math.Ceiling(0.99 * n) - 1]);
    }
}

internal static class Clock
{
    public static double MicrosecondsSince(long timestamp) =>
        System.Diagnostics.Stopwatch.GetElapsedTime(timestamp).TotalMicroseconds;
}
