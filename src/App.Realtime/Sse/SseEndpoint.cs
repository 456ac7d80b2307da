using System.Net.ServerSentEvents;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace App.Realtime.Sse;

/// <summary>
/// <c>GET {path}[?event=...]</c> (default <c>/api/realtime/events</c>): the user's topic-scoped events as
/// <c>text/event-stream</c>. <c>id:</c> is the event sequence (unique across instances); <c>Last-Event-ID</c>
/// (header, or <c>lastEventId</c> query) resumes with the events that arrived after that one
/// (<see cref="SseReplayBuffer"/>), or sends <c>event: reset</c> when that is no longer possible; a reset is also
/// sent when the stream's queue overflowed or events were lost elsewhere. A comment line every heartbeat keeps
/// proxies from closing it. Who the stream is for is decided by <see cref="IRealtimeSseAuthenticator"/>.
/// </summary>
public static class SseEndpoint
{
    public const string ResetEvent = "reset";
    private static readonly byte[] Heartbeat = Encoding.UTF8.GetBytes(": heartbeat\n\n");

    internal static RouteHandlerBuilder MapSseEndpoint(this IEndpointRouteBuilder app, string path) =>
        app.MapGet(path, StreamAsync).DisableAntiforgery();

    private static async Task StreamAsync(HttpContext http, IRealtimeSseAuthenticator authenticator, RealtimeAudience audience,
        IRealtimeAudienceResolver resolver, SseReplayBuffer replay, RealtimeMetrics metrics, IOptions<RealtimeOptions> options,
        IOptions<RealtimeSseOptions> sseOptions,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(SseEndpoint));
        // 1. Validate every input before anything is streamed.
        var eventFilter = http.Request.Query["event"].ToString();
        if (eventFilter.Length > 0 && !RealtimeEventNames.IsValid(eventFilter))
        {
            await Results.Problem("event must be an event name such as projects.project.changed.", statusCode: 400).ExecuteAsync(http);
            return;
        }
        var lastEventIdText = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : http.Request.Query["lastEventId"].ToString();
        long? lastEventId = long.TryParse(lastEventIdText, out var parsed) && parsed >= 0 ? parsed : null;
        var authentication = await authenticator.AuthenticateAsync(http);
        if (authentication.UserId is not { } userId)
        {
            if (authentication.RetryAfter is { } retryAfter)
            {
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
                await Results.Problem(authentication.Error ?? "Try again later.", statusCode: 503).ExecuteAsync(http);
                return;
            }
            await Results.Problem(authentication.Error ?? "Not allowed.", statusCode: 401).ExecuteAsync(http);
            return;
        }

        // 2. Join the audience before reading the replay buffer, so nothing falls between the two; live events
        // wait until the replay is written.
        var ct = http.RequestAborted;
        var connection = new SseConnection(http.Response.Body, eventFilter, metrics, logger, sseOptions.Value.QueueCapacity, ct);
        try
        {
            var topics = await audience.JoinAsync(connection, userId, id => resolver.TopicsOfAsync(id, ct));
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            await http.Response.StartAsync(ct);

            await connection.WriteLockedAsync(async body =>
            {
                if (!string.IsNullOrEmpty(lastEventIdText))
                {
                    var (reset, missed) = lastEventId is { } after ? replay.After(topics, after, userId) : (true, []);
                    if (reset) await WriteResetAsync(body, "resume", ct);
                    foreach (var realtimeEvent in missed)
                    {
                        connection.Replayed.Add(EventKey.Of(realtimeEvent));
                        if (connection.Wants(realtimeEvent)) await WriteAsync(body, realtimeEvent, ct);
                    }
                }
                await body.FlushAsync(ct);
            });
            connection.StartLive();

            var interval = options.Value.SseHeartbeat;
            while (!ct.IsCancellationRequested)
            {
                // The credential's expiry ends the stream (checked at least every heartbeat and exactly at expiry).
                var untilExpiry = authentication.ExpiresAt is { } expiresAt ? expiresAt - DateTimeOffset.UtcNow : interval;
                if (untilExpiry <= TimeSpan.Zero)
                {
                    logger.LogInformation("SSE stream {Connection} ended: its credential expired", connection.ConnectionId);
                    break;
                }
                var ended = await Task.WhenAny(connection.Ended, Task.Delay(untilExpiry < interval ? untilExpiry : interval, ct));
                if (ended == connection.Ended) break; // revoked: disabled, signed out everywhere, password or role changed
                if (authentication.ExpiresAt <= DateTimeOffset.UtcNow) continue;
                await connection.WriteLockedAsync(async body =>
                {
                    await body.WriteAsync(Heartbeat, ct);
                    await body.FlushAsync(ct);
                });
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
            await connection.Queue.CloseAsync();
        }
    }

    /// <summary>One event, whichever instance published it (ids are unique per slot; the instance guards a slot clash).</summary>
    private readonly record struct EventKey(string? Instance, long Sequence)
    {
        public static EventKey Of(RealtimeEvent realtimeEvent) => new(realtimeEvent.Instance, realtimeEvent.Sequence);
    }

    private static Task WriteAsync(Stream body, RealtimeEvent realtimeEvent, CancellationToken ct) =>
        SseFormatter.WriteAsync(One(new SseItem<string>(realtimeEvent.ToClientJson(), realtimeEvent.Name) { EventId = realtimeEvent.Sequence.ToString() }), body, ct);

    private static Task WriteResetAsync(Stream body, string reason, CancellationToken ct) =>
        SseFormatter.WriteAsync(One(new SseItem<string>($"{{\"reason\":\"{reason}\"}}", ResetEvent)), body, ct);

    private static async IAsyncEnumerable<SseItem<string>> One(SseItem<string> item)
    {
        yield return item;
        await Task.CompletedTask;
    }

    /// <summary>One SSE stream in the audience: its queue's drain writes to the response (one flush per batch);
    /// writes are serialised with the replay and the heartbeat.</summary>
    private sealed class SseConnection : IRealtimeConnection, IRealtimeQueueConsumer
    {
        private readonly Stream body;
        private readonly string eventFilter;
        private readonly CancellationToken ct;
        private readonly SemaphoreSlim writing = new(1, 1);
        private readonly TaskCompletionSource live = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SseConnection(Stream body, string eventFilter, RealtimeMetrics metrics, ILogger logger, int capacity, CancellationToken ct)
        {
            this.body = body;
            this.eventFilter = eventFilter;
            this.ct = ct;
            Queue = new RealtimeConnectionQueue(ConnectionId, this, metrics, logger, capacity);
        }

        public string ConnectionId { get; } = "sse-" + Guid.NewGuid().ToString("N")[..12];
        public RealtimeConnectionQueue Queue { get; }
        /// <summary>Replayed events that may also arrive live: skipped then, and only those.</summary>
        public HashSet<EventKey> Replayed { get; } = [];
        public Task Ended => ended.Task;

        public bool Wants(RealtimeEvent realtimeEvent) => eventFilter.Length == 0 || realtimeEvent.Name == eventFilter;

        public void StartLive() => live.TrySetResult();

        public void Deliver(RealtimeEvent realtimeEvent) => Queue.TryEnqueue(realtimeEvent);
        public void NotifyMissed() => Queue.NotifyMissed();
        public void Revoke() => Queue.Revoke();

        public async Task WriteLockedAsync(Func<Stream, Task> write)
        {
            await writing.WaitAsync(ct);
            try { await write(body); }
            finally { writing.Release(); }
        }

        /// <summary>Waits for the replay to be written; false once the client has gone (nothing to report then).</summary>
        private async Task<bool> LiveAsync()
        {
            try
            {
                await live.Task.WaitAsync(ct);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public async ValueTask DeliverAsync(IReadOnlyList<RealtimeEvent> events)
        {
            if (!await LiveAsync()) return;
            await WriteLockedAsync(async stream =>
            {
                foreach (var realtimeEvent in events)
                {
                    if (Replayed.Count > 0 && Replayed.Remove(EventKey.Of(realtimeEvent))) continue;
                    if (Wants(realtimeEvent)) await WriteAsync(stream, realtimeEvent, ct);
                }
                await stream.FlushAsync(ct);
            });
        }

        public async ValueTask MissedAsync(long count)
        {
            if (!await LiveAsync()) return;
            await WriteLockedAsync(async stream =>
            {
                await WriteResetAsync(stream, count > 0 ? "overflow" : "missed", ct);
                await stream.FlushAsync(ct);
            });
        }

        public ValueTask RevokedAsync()
        {
            ended.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
