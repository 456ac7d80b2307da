using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;

namespace App.E2E;

/// <summary>Anyone who can publish on Redis is not an app instance: relay messages without the shared key's
/// signature are dropped (and counted), so a forged membership change puts nobody into another workspace.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RelaySignatureTests(BrowserFixture browser)
{
    [Fact]
    public async Task Forged_relay_messages_change_nothing_and_are_counted()
    {
        await using var redis = await TestRedis.StartAsync();
        var prefix = "sig" + Guid.NewGuid().ToString("N")[..6];
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["REALTIME_REDIS_URL"] = redis.Url,
            ["REALTIME_REDIS_PREFIX"] = prefix,
        });
        var alice = await UserFlows.RegisterAsync(await browser.NewPageAsync(app.BaseUrl), "Alice Relay");
        var mallory = await UserFlows.RegisterAsync(await browser.NewPageAsync(app.BaseUrl), "Mallory Relay");
        await using var aliceHub = await RealtimeClients.ConnectHubAsync(app.BaseUrl, await RealtimeClients.AccessTokenAsync(app.BaseUrl, alice));
        await using var malloryHub = await RealtimeClients.ConnectHubAsync(app.BaseUrl, await RealtimeClients.AccessTokenAsync(app.BaseUrl, mallory));
        var aliceWorkspace = (await TopicsAsync(aliceHub)).Single(t => t.StartsWith("workspace:"));
        var malloryId = (await TopicsAsync(malloryHub)).Single(t => t.StartsWith("user:"))["user:".Length..];

        await using var attacker = await ConnectionMultiplexer.ConnectAsync(redis.Url);
        var db = attacker.GetDatabase();
        var stream = $"{prefix}:realtime:stream";
        var joinAlice = Event("workspaces.membership.changed", aliceWorkspace, new
        {
            workspaceId = aliceWorkspace["workspace:".Length..], userId = malloryId, email = mallory.Email, role = "Member", isMember = true,
        });
        var fakeProject = Event("projects.project.changed", aliceWorkspace, new { name = "Forged" });
        // Unsigned, signed with a guessed key, a real signature with the last byte flipped, and a real signature made
        // ten minutes ago (a replay of a captured entry: outside the 5-minute window).
        await db.StreamAddAsync(stream, "m", joinAlice);
        await db.StreamAddAsync(stream, "m", Sign("guessed-key-guessed-key-guessed-key!", stream, DateTimeOffset.UtcNow, fakeProject));
        var tampered = Sign(AppProcess.TestRelayKey, stream, DateTimeOffset.UtcNow, fakeProject);
        tampered[^1] ^= 1;
        await db.StreamAddAsync(stream, "m", tampered);
        await db.StreamAddAsync(stream, "m", Sign(AppProcess.TestRelayKey, stream, DateTimeOffset.UtcNow.AddMinutes(-10), fakeProject));

        await Task.Delay(1000);
        Assert.DoesNotContain(aliceWorkspace, await TopicsAsync(malloryHub));
        Assert.DoesNotContain(aliceHub.Events, e => RealtimeClients.HubClient.PayloadName(e) == "Forged");
        Assert.Matches(new Regex(@"^realtime_relay_rejected(_total)?(\{[^}]*\})? 4( |$)", RegexOptions.Multiline), await MetricsAsync(app));
        Assert.Contains("without a valid signature", app.Output);

        // The same message signed now with the instances' key is taken: the forgeries above were refused for their
        // signature, not their shape. Added again (a replay within the window), it is not routed twice.
        var valid = Sign(AppProcess.TestRelayKey, stream, DateTimeOffset.UtcNow, fakeProject);
        await db.StreamAddAsync(stream, "m", valid);
        await aliceHub.WaitForAsync(e => RealtimeClients.HubClient.PayloadName(e) == "Forged");
        await db.StreamAddAsync(stream, "m", valid);
        Assert.Matches(new Regex(@"^realtime_duplicates(_total)?(\{[^}]*\})? 1( |$)", RegexOptions.Multiline), await EventuallyAsync(app, "realtime_duplicates"));
        Assert.Single(aliceHub.Events, e => RealtimeClients.HubClient.PayloadName(e) == "Forged");
    }

    private static async Task<string> EventuallyAsync(AppProcess app, string metric)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var metrics = await MetricsAsync(app);
            if (Regex.IsMatch(metrics, $@"^{metric}(_total)?(\{{[^}}]*\}})? [1-9]", RegexOptions.Multiline) || DateTime.UtcNow > deadline) return metrics;
            await Task.Delay(100);
        }
    }

    [Theory]
    [InlineData("", "REALTIME_REDIS_URL is set but REALTIME_RELAY_KEY is not")]
    [InlineData("short-key", "REALTIME_RELAY_KEY is too short (9 characters)")]
    public async Task Redis_without_a_strong_relay_key_stops_startup_with_one_line(string key, string message)
    {
        var (exitCode, output) = await AppProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["REALTIME_REDIS_URL"] = "127.0.0.1:1",
            ["REALTIME_RELAY_KEY"] = key,
        });
        Assert.Equal(2, exitCode);
        Assert.Contains("startup failed: " + message, output);
    }

    private static byte[] Event(string name, string topic, object payload) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        id = Guid.NewGuid().ToString("N"), name, topic, payload, sequence = Random.Shared.NextInt64(1, long.MaxValue / 2), occurredAt = DateTimeOffset.UtcNow,
        instance = "attacker",
    });

    /// <summary>What an app instance adds to the stream: HMAC-SHA256(key, stream + "\n" + sentAt + json), then sentAt
    /// (Unix milliseconds, 8 bytes big-endian), then the JSON.</summary>
    private static byte[] Sign(string key, string stream, DateTimeOffset sentAt, byte[] json)
    {
        var stamp = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(stamp, sentAt.ToUnixTimeMilliseconds());
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), (byte[])[.. Encoding.UTF8.GetBytes(stream + "\n"), .. stamp, .. json]);
        return [.. mac, .. stamp, .. json];
    }

    private static async Task<IReadOnlyList<string>> TopicsAsync(RealtimeClients.HubClient hub) =>
        (await hub.Connection.InvokeAsync<JsonElement>("Info")).GetProperty("topics").EnumerateArray().Select(t => t.GetString()!).ToList();

    private static async Task<string> MetricsAsync(AppProcess app)
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        return await http.GetStringAsync("/metrics");
    }
}
