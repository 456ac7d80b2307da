using System.Diagnostics;
using App.Domain.Users;
using App.Web.Configuration;
using App.Realtime;
using App.Web.Realtime.Clients;
using Microsoft.AspNetCore.Identity;

namespace App.Web.Realtime.Bench;

/// <summary>
/// Hooks for bench/ (REALTIME_BENCH_ENDPOINTS=true only, loopback callers only): a bench account's token, a
/// publisher of global <c>bench.tick</c> events through the real publisher, and memory figures. Not mapped otherwise.
/// </summary>
public static class BenchEndpoints
{
    public const string TickEvent = "bench.tick";

    public sealed record PublishRequest(int Count, double Rate, int PayloadBytes, bool Wait);

    public static void MapBenchEndpoints(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<AppSettings>().BenchEndpoints) return;
        app.Logger.LogWarning("Benchmark endpoints /api/bench/* are enabled (REALTIME_BENCH_ENDPOINTS): never do this in production");
        var bench = app.MapGroup("/api/bench").DisableAntiforgery().AddEndpointFilter(async (context, next) =>
            System.Net.IPAddress.IsLoopback(context.HttpContext.Connection.RemoteIpAddress!) ? await next(context) : Results.NotFound());

        app.MapWorkspaceTicks();
        app.MapProjectSaves();

        bench.MapPost("/token", async (PersonalSignUp signUp, UserManager<AppUser> users, RealtimeTokens tokens) =>
        {
            const string email = "bench@bench.invalid";
            var user = await users.FindByEmailAsync(email);
            if (user is null)
            {
                var created = await signUp.RegisterAsync(new SignUpRequest(email, "Bench-" + Guid.NewGuid().ToString("N"), "Bench"));
                user = created.User ?? throw new InvalidOperationException(string.Join("; ", created.Errors));
            }
            return Results.Ok(new TokenEndpoints.TokenResponse(tokens.IssueAccess(user.Id, user.SecurityStamp ?? "").Token, DateTimeOffset.UtcNow.AddHours(1)));
        });

        // Publishes Count global events (paced at Rate/s, or flood when 0) with {seq, sentAt, pad}; sentAt is wall-clock
        // milliseconds so clients in other processes measure latency. Wait=true answers with every (sequence, sentAt).
        bench.MapPost("/publish", async (PublishRequest request, IRealtimePublisher publisher) =>
        {
            if (request.Count is < 1 or > 1_000_000 || request.Rate < 0 || request.PayloadBytes is < 0 or > 16_000)
                return Results.Problem("count 1..1e6, rate >= 0, payloadBytes 0..16000", statusCode: 400);
            var run = PublishAsync(request, publisher);
            if (!request.Wait) return Results.Accepted();
            return Results.Ok(await run);
        }).RequireAuthorization(RealtimePolicies.Client);

        // CPU time this process has used, so a load generator can attribute server cost to its publish phase only.
        bench.MapGet("/cpu", () =>
        {
            using var process = Process.GetCurrentProcess();
            return Results.Ok(new { cpuMs = process.TotalProcessorTime.TotalMilliseconds });
        });

        bench.MapGet("/memory", (RealtimeAudience audience, IServiceProvider services) =>
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            using var process = Process.GetCurrentProcess();
            return Results.Ok(new
            {
                managedBytes = GC.GetTotalMemory(false), workingSetBytes = process.WorkingSet64, connections = audience.ConnectionCount,
                persistedCircuits = PersistedCircuits.Count(services),
            });
        });
    }

    private static async Task<List<object>> PublishAsync(PublishRequest request, IRealtimePublisher publisher)
    {
        await Task.Yield();
        var pad = new string('x', request.PayloadBytes);
        var sent = new List<object>(request.Wait ? request.Count : 0);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < request.Count; i++)
        {
            if (request.Rate > 0)
            {
                var due = TimeSpan.FromSeconds(i / request.Rate) - Stopwatch.GetElapsedTime(start);
                if (due > TimeSpan.Zero) await Task.Delay(due);
            }
            else if (i % 50 == 49) await Task.Yield();
            var sentAt = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
            var published = publisher.Publish(new RealtimeEvent
            {
                Name = TickEvent, Topic = RealtimeTopics.Global, OccurredAt = DateTimeOffset.UtcNow,
                Payload = System.Text.Json.JsonSerializer.SerializeToElement(new { seq = i, sentAt, pad }, RealtimeJson.Options),
            });
            if (request.Wait) sent.Add(new { sequence = published.Sequence, sentAt });
        }
        return sent;
    }
}
