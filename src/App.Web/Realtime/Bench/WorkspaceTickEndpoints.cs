using App.Domain.Events;
using App.Domain.Persistence;
using App.Realtime;
using App.Web.Realtime.Clients;
using Microsoft.EntityFrameworkCore;

namespace App.Web.Realtime.Bench;

/// <summary>
/// A hook for bench/CircuitLoad's scale run (REALTIME_BENCH_ENDPOINTS=true only, loopback callers only): one
/// workspace-scoped <c>bench.tick</c> per named workspace through the real publisher, so each event reaches only that
/// workspace's circuits (the global ticks of /api/bench/publish would reach every circuit). Not mapped otherwise.
/// </summary>
public static class WorkspaceTickEndpoints
{
    public const string TickEvent = "bench.tick";
    private const int MaxWorkspaces = 10_000;

    public sealed record TickRequest(string[] Slugs, int PayloadBytes);

    public sealed record Tick(string Slug, long Sequence, double SentAt);

    /// <summary>Mapped by <see cref="BenchEndpoints.MapBenchEndpoints"/>, only when bench endpoints are on.</summary>
    internal static void MapWorkspaceTicks(this WebApplication app)
    {
        app.MapPost("/api/bench/workspace-ticks", async (TickRequest request, IDbContextFactory<AppDbContext> dbFactory, IRealtimePublisher publisher) =>
            {
                if (request.Slugs is not { Length: > 0 and <= MaxWorkspaces } || request.PayloadBytes is < 0 or > 16_000)
                    return Results.Problem($"slugs: 1..{MaxWorkspaces} workspace slugs; payloadBytes 0..16000", statusCode: 400);
                await using var db = await dbFactory.CreateDbContextAsync();
                var wanted = request.Slugs.Distinct().ToArray();
                var ids = await db.Workspaces.Where(w => wanted.Contains(w.Slug)).ToDictionaryAsync(w => w.Slug, w => w.Id);
                var unknown = wanted.Where(s => !ids.ContainsKey(s)).Take(5).ToArray();
                if (unknown.Length > 0) return Results.Problem($"unknown workspace slugs: {string.Join(", ", unknown)}", statusCode: 400);
                var pad = new string('x', request.PayloadBytes);
                var ticks = new List<Tick>(wanted.Length);
                foreach (var slug in wanted)
                {
                    // Wall-clock milliseconds, so a load generator in another process times publish -> render batch.
                    var sentAt = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
                    var published = publisher.Publish(DomainEventForwarder.ToRealtimeEvent(
                        RealtimeMessage.Create(TickEvent, EventScope.Workspace(ids[slug]), new { sentAt, pad })));
                    ticks.Add(new Tick(slug, published.Sequence, sentAt));
                }
                return Results.Ok(ticks);
            })
            .DisableAntiforgery()
            .RequireAuthorization(RealtimePolicies.Client)
            .AddEndpointFilter(async (context, next) =>
                System.Net.IPAddress.IsLoopback(context.HttpContext.Connection.RemoteIpAddress!) ? await next(context) : Results.NotFound());
    }
}
