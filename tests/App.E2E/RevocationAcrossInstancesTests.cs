using System.Diagnostics;
using System.Text.RegularExpressions;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Xunit.Abstractions;

namespace App.E2E;

/// <summary>Signing out on one instance ends the user's hub and SSE connections held by another (the event travels
/// the user's topic through the Redis relay).</summary>
[Collection(BrowserCollection.Name)]
public sealed class RevocationAcrossInstancesTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Signing_out_on_one_instance_ends_the_connections_held_by_another()
    {
        await using var database = TestMariaDb.NewName();
        await using var redis = await TestRedis.StartAsync();
        var env = new Dictionary<string, string>(database.AppEnvironment)
        {
            ["DB_AUTO_MIGRATE"] = "true",
            ["REALTIME_REDIS_URL"] = redis.Url,
            ["REALTIME_REDIS_PREFIX"] = "e2e" + Guid.NewGuid().ToString("N")[..6],
            ["DATA_PROTECTION_KEYS_PATH"] = AppProcess.NewWorkDir(),
            ["Logging__LogLevel__App"] = "Information",
        };
        await using var instanceA = await AppProcess.StartAsync(env);
        await using var instanceB = await AppProcess.StartAsync(env);
        try
        {
            var page = await browser.NewPageAsync(instanceA.BaseUrl);
            var user = await UserFlows.RegisterAsync(page, "Xena Across");
            // Connected to B; the project event that proves them live is created on A.
            await using var clients = await RevocationTests.OpenClientsAsync(instanceB.BaseUrl, page, user);

            await page.GotoAsync("/Account/Manage");
            var clock = Stopwatch.StartNew();
            await page.Locator("#sign-out-form button[type=submit]").ClickAsync();
            await page.WaitForURLAsync(new Regex("/$"));
            await clients.WaitAllClosedAsync(clock, "sign out on the other instance", output);
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new Exception($"{ex.Message}\n--- A ---\n{instanceA.Tail()}\n--- B ---\n{instanceB.Tail()}", ex);
        }
    }
}
