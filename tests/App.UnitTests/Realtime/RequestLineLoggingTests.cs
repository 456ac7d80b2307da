using System.Collections.Concurrent;
using App.Web.Realtime.Clients;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace App.UnitTests.Realtime;

/// <summary>URLs carry tokens, so the request-line categories stay at Warning whatever the logging configuration
/// says, including provider-specific rules, which beat a plain <c>AddFilter</c>.</summary>
public sealed class RequestLineLoggingTests
{
    [Theory]
    [InlineData("Logging:LogLevel:Default", "Trace")]
    [InlineData("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Trace")]
    [InlineData("Logging:Recording:LogLevel:Default", "Information")]
    [InlineData("Logging:Recording:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Information")]
    [InlineData("Logging:Recording:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics*", "Trace")]
    [InlineData("Logging:App.UnitTests.Realtime.RecordingLoggerProvider:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Debug")]
    public void Request_lines_are_not_logged_below_Warning(string key, string level)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            [key] = level,
        }).Build();
        var recording = new RecordingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddProvider(recording));
        services.HoldRequestLinesAtWarning();
        using var provider = services.BuildServiceProvider();
        var loggers = provider.GetRequiredService<ILoggerFactory>();

        foreach (var category in RequestLineLogging.Categories)
        {
            loggers.CreateLogger(category).LogInformation("Request starting GET /api/realtime/events?token={Token}", "SECRET");
            loggers.CreateLogger(category).LogWarning("a warning still gets through");
        }
        loggers.CreateLogger("App.Other").LogInformation("configuration still applies elsewhere");

        Assert.DoesNotContain(recording.Lines, l => l.Contains("SECRET"));
        Assert.Equal(RequestLineLogging.Categories.Length, recording.Lines.Count(l => l.Contains("a warning still gets through")));
        Assert.Contains("configuration still applies elsewhere", recording.Lines);
    }
}

[ProviderAlias("Recording")]
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();
    public ILogger CreateLogger(string categoryName) => new Logger(Lines);
    public void Dispose() { }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));
    }
}
