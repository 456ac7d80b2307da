using System.Net.ServerSentEvents;
using System.Text;
using System.Threading.Channels;
using App.Domain.Events;
using App.Domain.Users;
using App.Domain.Workspaces;
using App.Web.Configuration;
using App.Web.Realtime.Clients;
using Microsoft.AspNetCore.Identity;

namespace App.Web.Realtime.Sse;

/// <summary>
/// <c>GET /api/realtime/events?token=...[&amp;event=...]</c>: the user's scoped events as <c>text/event-stream</c>.
/// <c>id:</c> is the event sequence (unique across instances); <c>Last-Event-ID</c> (header, or <c>lastEventId</c>
/// query) resumes with the events that arrived after that one (<see cref="SseReplayBuffer"/>), or sends
/// <c>event: reset</c> when that is no longer possible (also sent when this stream fell behind and dropped events). A comment line every heartbeat interval keeps proxies from closing it.
/// </summary>
public static class SseEndpoint
{
    public const string ResetEvent = "reset";
    private static readonly byte[] Heartbeat = Encoding.UTF8.GetBytes(": heartbeat\n\n");

    public static void MapSseEndpoint(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/realtime/events", StreamAsync).DisableAntiforgery();

    private static async Task StreamAsync(HttpContext http, RealtimeTokens tokens, ISseTokenNonces nonces,
        UserManager<AppUser> users, WorkspaceDirectory workspaces, RealtimeAudience audience, SseReplayBuffer replay,
        RealtimeMetrics metrics, AppSettings settings, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(SseEndpoint));
        // 1. Validate every input before anything is streamed (the token itself is never logged).
        var eventFilter = http.Request.Query["event"].ToString();
        if (eventFilter.Length > 0 && !RealtimeEventNames.IsValidEvent(eventFilter))
        {
            await Results.Problem($"event must be an event name such as projects.project.changed.", statusCode: 400).ExecuteAsync(http);
            return;
        }
        var lastEventIdText = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : http.Request.Query["lastEventId"].ToString();
        long? lastEventId = long.TryParse(lastEventIdText, out var parsed) && parsed >= 0 ? parsed : null;
        var sse = tokens.ReadSse(http.Request.Query["token"].ToString());
        if (sse is null || !await nonces.TryConsumeAsync(sse.Value.Nonce, sse.Value.ExpiresAt))
        {
            await Results.Problem("A valid, unused SSE token is required: POST /api/realtime/sse-token.", statusCode: 401).ExecuteAsync(http);
            return;
        }
        var user = await users.FindByIdAsync(sse.Value.UserId);
        if (user is null || user.IsDisabled)
        {
            await Results.Problem("The account is not available.", statusCode: 401).ExecuteAsync(http);
            return;
        }

        // 2. Join the audience before reading the replay buffer, so nothing falls between the two.
        var connection = new SseConnection(metrics);
        try
        {
            var scopes = await audience.JoinAsync(connection, user.Id, id => workspaces.MembershipIdsAsync(id, http.RequestAborted));
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            var body = http.Response.Body;
            var ct = http.RequestAborted;
            await http.Response.StartAsync(ct);

            // Replayed events routed after the connection joined also come live: skip those, and only those.
            var replayed = new HashSet<EventKey>();
            if (!string.IsNullOrEmpty(lastEventIdText))
            {
                var (reset, missed) = lastEventId is { } after ? replay.After(scopes, after) : (true, []);
                if (reset) await WriteResetAsync(body, "resume", ct);
                foreach (var envelope in missed)
                {
                    replayed.Add(EventKey.Of(envelope));
                    if (Wanted(envelope, eventFilter)) await WriteAsync(body, envelope, ct);
                }
            }
            await body.FlushAsync(ct);

            var interval = settings.SseHeartbeat;
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(interval);
                bool ready;
                try
                {
                    ready = await connection.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    if (!audience.IsRegistered(connection)) break; // e.g. the user was disabled
                    await body.WriteAsync(Heartbeat, ct);
                    await body.FlushAsync(ct);
                    continue;
                }
                if (!ready) break;
                if (connection.TakeMissed() > 0) await WriteResetAsync(body, "overflow", ct);
                while (connection.Reader.TryRead(out var envelope))
                {
                    if (replayed.Count > 0 && replayed.Remove(EventKey.Of(envelope))) continue;
                    if (Wanted(envelope, eventFilter)) await WriteAsync(body, envelope, ct);
                }
                await body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        catch (IOException ex)
        {
            logger.LogDebug(ex, "SSE client disconnected");
        }
        finally
        {
            audience.Unregister(connection);
        }
    }

    /// <summary>One event, whichever instance published it (ids are unique per slot; the instance guards a slot clash).</summary>
    private readonly record struct EventKey(string? Instance, long Sequence)
    {
        public static EventKey Of(RealtimeEnvelope envelope) => new(envelope.Instance, envelope.Sequence);
    }

    private static bool Wanted(RealtimeEnvelope envelope, string eventFilter) => eventFilter.Length == 0 || envelope.Event == eventFilter;

    private static Task WriteAsync(Stream body, RealtimeEnvelope envelope, CancellationToken ct) =>
        SseFormatter.WriteAsync(One(new SseItem<string>(envelope.ToJson(), envelope.Event) { EventId = envelope.Sequence.ToString() }), body, ct);

    private static Task WriteResetAsync(Stream body, string reason, CancellationToken ct) =>
        SseFormatter.WriteAsync(One(new SseItem<string>($"{{\"reason\":\"{reason}\"}}", ResetEvent)), body, ct);

    private static async IAsyncEnumerable<SseItem<string>> One(SseItem<string> item)
    {
        yield return item;
        await Task.CompletedTask;
    }

    /// <summary>One SSE stream in the audience: a bounded queue; drops are counted and reported as a reset.</summary>
    private sealed class SseConnection(RealtimeMetrics metrics) : IRealtimeConnection
    {
        private readonly Channel<RealtimeEnvelope> queue = Channel.CreateBounded<RealtimeEnvelope>(
            new BoundedChannelOptions(8192) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        private long missed;

        public string ConnectionId { get; } = "sse-" + Guid.NewGuid().ToString("N")[..12];
        public ChannelReader<RealtimeEnvelope> Reader => queue.Reader;

        public void Deliver(RealtimeEnvelope envelope)
        {
            if (queue.Writer.TryWrite(envelope)) return;
            Interlocked.Increment(ref missed);
            metrics.OnOverflow();
        }

        public long TakeMissed() => Interlocked.Exchange(ref missed, 0);
    }
}
