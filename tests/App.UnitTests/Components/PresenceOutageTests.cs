using System.Collections.Concurrent;
using App.Realtime.Presence;
using App.Tests.Shared;
using App.UnitTests.Infrastructure;
using App.UnitTests.Realtime.Presence;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace App.UnitTests.Components;

/// <summary>Presence through a Redis outage, as a user sees it: a real <see cref="PresenceList"/> on this circuit's
/// instance and a second instance, both on a private Redis that is stopped and started again (losing its data).</summary>
public sealed class PresenceOutageTests(Xunit.Abstractions.ITestOutputHelper output) : MudComponentTest
{
    private const string Topic = "workspace:presence-outage";

    [Fact]
    public async Task After_a_Redis_outage_the_list_shows_who_is_there_again_without_a_reload_and_logs_the_outage_once()
    {
        await using var redis = await TestRedis.StartAsync();
        var prefix = PresenceInstance.NewPrefix();
        var heartbeat = TimeSpan.FromMilliseconds(500);
        var timeout = TimeSpan.FromSeconds(5);
        var logs = new LevelLog();
        Context.Services.AddLogging(l => l.AddProvider(logs));
        var realtime = LiveRealtime.AddWithTopics(Context, b => b
            .AddRedis(o =>
            {
                o.Url = redis.Url;
                o.Prefix = prefix;
                o.RelayKey = AppProcess.TestRelayKey;
            })
            .ConfigurePresence(o =>
            {
                o.HeartbeatInterval = heartbeat;
                o.Timeout = timeout;
            }), Topic);
        var hosted = Context.Services.GetServices<IHostedService>().ToArray();
        foreach (var service in hosted) await service.StartAsync(CancellationToken.None);
        try
        {
            await using var other = await PresenceInstance.StartAsync(PresenceInstance.Redis, prefix, heartbeat, timeout, true,
                redis.Url, null);
            await realtime.SignInAsync("ann", "Ann");
            var cut = Context.Render<PresenceList>(p => p
                .Add(c => c.Topic, Topic)
                .Add(c => c.Key, "ann")
                .Add(c => c.Meta, new PresenceMeta("Ann"))
                .Add(c => c.ChildContent, s => $"<span id='names'>{string.Join(", ", s.Entries.Select(e => e.Name))}</span>"));
            var bob = await other.Presence.TrackAsync(Topic, "bob", new PresenceMeta("Bob"), "c-bob");
            cut.WaitForAssertion(() => Assert.Equal("Ann, Bob", cut.Find("#names").TextContent), TimeSpan.FromSeconds(10));

            await redis.StopAsync();
            // During the outage Bob closes his tab and Carol opens one, both on the other instance: neither reaches Redis.
            await bob.DisposeAsync();
            await using var carol = await other.Presence.TrackAsync(Topic, "carol", new PresenceMeta("Carol"), "c-carol");
            await Task.Delay(TimeSpan.FromSeconds(3));
            await redis.StartAgainAsync();
            var back = System.Diagnostics.Stopwatch.StartNew();

            // Nobody reloads: within a few heartbeats the list is what it is now.
            cut.WaitForAssertion(() => Assert.Equal("Ann, Carol", cut.Find("#names").TextContent), TimeSpan.FromSeconds(10));
            output.WriteLine($"listed again {back.ElapsedMilliseconds} ms after Redis was back"); // 1.9 s here, heartbeat 0.5 s
            Assert.Equal(["Ann", "Carol"], (await other.Presence.ListAsync(Topic)).Entries.Select(e => e.Name));
            // And it stays live: a join after the outage shows as any other.
            await using var dan = await other.Presence.TrackAsync(Topic, "dan", new PresenceMeta("Dan"), "c-dan");
            cut.WaitForAssertion(() => Assert.Equal("Ann, Carol, Dan", cut.Find("#names").TextContent), TimeSpan.FromSeconds(5));

            // The outage is logged once, not every heartbeat.
            Assert.True(logs.Count(LogLevel.Warning, "App.Realtime.Presence") <= 1, string.Join("\n", logs.Lines));
            Assert.True(logs.Count(LogLevel.Error, "App.Realtime") <= 1, string.Join("\n", logs.Lines));
        }
        finally
        {
            foreach (var service in hosted.Reverse()) await service.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Every log line with its level and category.</summary>
    private sealed class LevelLog : ILoggerProvider
    {
        private readonly ConcurrentQueue<(LogLevel Level, string Category, string Text)> entries = new();

        public IEnumerable<string> Lines => entries.Select(e => $"{e.Level} {e.Category}: {e.Text}");

        public int Count(LogLevel atLeast, string categoryPrefix) =>
            entries.Count(e => e.Level >= atLeast && e.Category.StartsWith(categoryPrefix, StringComparison.Ordinal));

        public ILogger CreateLogger(string categoryName) => new Logger(entries, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(LogLevel, string, string)> entries, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
                Func<TState, Exception?, string> formatter) => entries.Enqueue((logLevel, category, formatter(state, exception)));
        }
    }
}
