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
        var channel = RedisChannel.Literal($"{prefix}:realtime:events");
        var joinAlice = Event("workspaces.membership.changed", aliceWorkspace, new
        {
            workspaceId = aliceWorkspace["workspace:".Length..], userId = malloryId, email = mallory.Email, role = "Member", isMember = true,
        });
        var fakeProject = Event("projects.project.changed", aliceWorkspace, new { name = "Forged" });
        // Unsigned, signed with a guessed key, and a real signature with the last byte flipped.
        await attacker.GetSubscriber().PublishAsync(channel, joinAlice);
        await attacker.GetSubscriber().PublishAsync(channel, Sign("guessed-key-guessed-key-guessed-key!", channel, fakeProject));
        var tampered = Sign(AppProcess.TestRelayKey, channel, fakeProject);
        tampered[^1] ^= 1;
        await attacker.GetSubscriber().PublishAsync(channel, tampered);

        await Task.Delay(1000);
        Assert.DoesNotContain(aliceWorkspace, await TopicsAsync(malloryHub));
        Assert.DoesNotContain(aliceHub.Events, e => RealtimeClients.HubClient.PayloadName(e) == "Forged");
        Assert.Matches(new Regex(@"^realtime_relay_rejected(_total)?(\{[^}]*\})? 3( |$)", RegexOptions.Multiline), await MetricsAsync(app));
        Assert.Contains("without a valid signature", app.Output);

        // The same message signed with the instances' key is taken: the forgeries above were refused for their
        // signature, not their shape.
        await attacker.GetSubscriber().PublishAsync(channel, Sign(AppProcess.TestRelayKey, channel, fakeProject));
        await aliceHub.WaitForAsync(e => RealtimeClients.HubClient.PayloadName(e) == "Forged");
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
        name, topic, payload, sequence = Random.Shared.NextInt64(1, long.MaxValue / 2), occurredAt = DateTimeOffset.UtcNow,
        instance = "attacker",
    });

    /// <summary>What an app instance publishes: HMAC-SHA256(key, channel + "\n" + json), then the JSON.</summary>
    private static byte[] Sign(string key, RedisChannel channel, byte[] json)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), (byte[])[.. Encoding.UTF8.GetBytes(channel + "\n"), .. json]);
        return [.. mac, .. json];
    }

    private static async Task<IReadOnlyList<string>> TopicsAsync(RealtimeClients.HubClient hub) =>
        (await hub.Connection.InvokeAsync<JsonElement>("Info")).GetProperty("topics").EnumerateArray().Select(t => t.GetString()!).ToList();

    private static async Task<string> MetricsAsync(AppProcess app)
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        return await http.GetStringAsync("/metrics");
    }
}
