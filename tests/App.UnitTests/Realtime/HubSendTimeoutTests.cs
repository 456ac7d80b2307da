using System.IO.Pipelines;
using System.Security.Claims;
using System.Text;
using App.Realtime;
using App.Realtime.Hub;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace App.UnitTests.Realtime;

/// <summary>The hub is mapped without SignalR's transport send timeout; its own closes a client that stops reading
/// and leaves one that reads alone. Real <see cref="HubConnectionContext"/>s over pipes stand in for the sockets: a
/// pipe nobody reads fills up exactly like a stalled WebSocket behind it.</summary>
public sealed class HubSendTimeoutTests
{
    [Fact]
    public async Task A_client_that_stops_reading_is_closed_after_the_send_timeout()
    {
        await using var harness = new RealtimeHarness();
        var client = await ConnectAsync(harness, reads: false, TimeSpan.FromMilliseconds(500));

        PublishUntilBackedUp(harness, client);

        await Eventually.TrueAsync(() => client.Hub.ConnectionAborted.IsCancellationRequested, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_client_that_reads_stays_open()
    {
        await using var harness = new RealtimeHarness();
        // Each burst (~40 KB) is far more than the pipe holds, so writes wait for the reader, briefly.
        var client = await ConnectAsync(harness, reads: true, TimeSpan.FromSeconds(1));

        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 20; i++) Publish(harness, i);
            await Task.Delay(200);
        }

        await Eventually.TrueAsync(() => Interlocked.Read(ref client.Received) >= 100 * Payload.Length);
        Assert.False(client.Hub.ConnectionAborted.IsCancellationRequested);
    }

    private static readonly string Payload = new('x', 2000);

    private static void Publish(RealtimeHarness harness, int seq) => harness.Publisher.Publish(new RealtimeEvent
    {
        Name = "tests.hub.tick", Topic = RealtimeTopics.Global, OccurredAt = DateTimeOffset.UtcNow,
        Payload = System.Text.Json.JsonSerializer.SerializeToElement(new { seq, pad = Payload }),
    });

    /// <summary>Publishes until a write has to wait for room (the pipe holds a few KB), so a write is pending.</summary>
    private static void PublishUntilBackedUp(RealtimeHarness harness, Client client)
    {
        for (var i = 0; i < 200; i++) Publish(harness, i);
        Assert.True(client.Output.Reader.TryRead(out var result) && result.Buffer.Length > 4096, "the writes backed up");
        client.Output.Reader.AdvanceTo(result.Buffer.Start);
    }

    private sealed class Client(HubConnectionContext hub, Pipe output)
    {
        public HubConnectionContext Hub { get; } = hub;
        public Pipe Output { get; } = output;
        public long Received;
    }

    private static async Task<Client> ConnectAsync(RealtimeHarness harness, bool reads, TimeSpan sendTimeout)
    {
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: 4096, resumeWriterThreshold: 2048, useSynchronizationContext: false));
        var input = new Pipe();
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "user-1")], "test"));
        var transport = new DefaultConnectionContext("connection-1", new Duplex(input.Reader, output.Writer), new Duplex(output.Reader, input.Writer))
        {
            User = user,
        };
        var hub = new HubConnectionContext(transport, new HubConnectionContextOptions
        {
            KeepAliveInterval = TimeSpan.FromMinutes(5), ClientTimeoutInterval = TimeSpan.FromMinutes(5),
        }, NullLoggerFactory.Instance) { Protocol = new JsonHubProtocol() };
        var client = new Client(hub, output);
        var contexts = new HubConnectionContexts();
        contexts.Add(hub);
        var connections = ActivatorUtilities.CreateInstance<HubRealtimeConnections>(harness.Services, contexts,
            Options.Create(new RealtimeHubOptions { SendTimeout = sendTimeout }), NullLogger<HubRealtimeConnections>.Instance);
        await connections.OpenAsync(new CallerContext(hub));
        if (reads) _ = ReadAllAsync(client);
        return client;
    }

    private static async Task ReadAllAsync(Client client)
    {
        while (true)
        {
            var result = await client.Output.Reader.ReadAsync();
            Interlocked.Add(ref client.Received, CountPads(result.Buffer));
            client.Output.Reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) return;
        }
    }

    // Counts the payload bytes that arrived (each event carries one pad of 'x').
    private static long CountPads(System.Buffers.ReadOnlySequence<byte> buffer)
    {
        long count = 0;
        foreach (var segment in buffer) count += segment.Span.Count((byte)'x');
        return count;
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>What SignalR hands a hub for its connection (its own is internal).</summary>
    private sealed class CallerContext(HubConnectionContext connection) : HubCallerContext
    {
        public override string ConnectionId => connection.ConnectionId;
        public override string? UserIdentifier => connection.UserIdentifier;
        public override ClaimsPrincipal? User => connection.User;
        public override IDictionary<object, object?> Items => connection.Items;
        public override Microsoft.AspNetCore.Http.Features.IFeatureCollection Features => connection.Features;
        public override CancellationToken ConnectionAborted => connection.ConnectionAborted;
        public override void Abort() => connection.Abort();
    }
}
