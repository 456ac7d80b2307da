using System.Diagnostics;
using System.Net;
using System.Text.Json;
using App.Tests.Shared;

namespace App.UnitTests.Startup;

/// <summary>The built app started as a real process: bad configuration fails closed with one readable line,
/// and good configuration serves health and pages.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("DB_PROVIDER", "postgres", "DB_PROVIDER='postgres' is not supported")]
    [InlineData("DB_PORT", "not-a-port", "DB_PORT='not-a-port' must be a whole number from 1 to 65535")]
    [InlineData("TENANCY_MODE", "chaos", "TENANCY_MODE='chaos' is not supported")]
    [InlineData("REALTIME_REDIS_URL", "redis://", "REALTIME_REDIS_URL is not a Redis address")]
    [InlineData("OPERATOR_EMAILS", "alice@example.test,bob", "OPERATOR_EMAILS contains 'bob'")]
    [InlineData("RATE_LIMIT_SIGN_IN_PER_IP", "lots", "RATE_LIMIT_SIGN_IN_PER_IP='lots' must be permits per window such as 10/1m")]
    [InlineData("RATE_LIMIT_CIRCUITS_PER_USER", "0", "RATE_LIMIT_CIRCUITS_PER_USER='0' must be a whole number from 1 to 100000")]
    [InlineData("HEALTH_MIN_FREE_DISK_MB", "-1", "HEALTH_MIN_FREE_DISK_MB='-1' must be a whole number")]
    public async Task Invalid_settings_stop_start_up_with_one_line_naming_the_setting(string key, string value, string expected)
    {
        var env = new Dictionary<string, string> { [key] = value };
        if (key == "DB_PORT") (env["DB_PROVIDER"], env["DB_HOST"]) = ("mysql", "127.0.0.1");

        var (exitCode, output) = await AppProcess.RunToExitAsync(env);

        AssertOneLineFailure(exitCode, output, expected);
    }

    [Fact]
    public async Task MySql_without_a_host_names_DB_HOST()
    {
        var (exitCode, output) = await AppProcess.RunToExitAsync(new Dictionary<string, string> { ["DB_PROVIDER"] = "mysql" });
        AssertOneLineFailure(exitCode, output, "DB_PROVIDER=mysql needs DB_HOST");
    }

    [Fact]
    public async Task An_unreachable_database_is_named_by_host_and_port()
    {
        var closedPort = AppProcess.FreePort();
        var (exitCode, output) = await AppProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["DB_PROVIDER"] = "mysql", ["DB_HOST"] = "127.0.0.1", ["DB_PORT"] = closedPort.ToString(), ["DB_CONNECT_TIMEOUT"] = "2",
        });
        AssertOneLineFailure(exitCode, output, $"cannot reach the MySQL database at 127.0.0.1:{closedPort}");
    }

    [Fact]
    public async Task A_port_already_in_use_stops_start_up_with_one_line()
    {
        using var busy = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;

        var (exitCode, output) = await AppProcess.RunToExitAsync(null, port: port);

        // Checked before the host starts: no Kestrel "Hosting failed to start" trace, no job runner "crit" after it.
        AssertOneLineFailure(exitCode, output, $"port {port} is in use (http://127.0.0.1:{port})");
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task A_dotenv_file_in_the_working_directory_is_read_and_real_environment_variables_win()
    {
        var dir = AppProcess.NewWorkDir();
        await File.WriteAllTextAsync(Path.Combine(dir, ".env"), "DB_PROVIDER=from-dotenv\n");

        var (exitCode, output) = await AppProcess.RunToExitAsync(null, workDir: dir);
        AssertOneLineFailure(exitCode, output, "DB_PROVIDER='from-dotenv'");

        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["DB_PROVIDER"] = "sqlite" }, workDir: dir);
        Assert.Equal(HttpStatusCode.OK, (await new HttpClient().GetAsync(new Uri(app.BaseUrl, "healthz"))).StatusCode);
    }

    [Fact]
    public async Task With_mysql_in_production_pending_migrations_stop_start_up_until_migrate_is_run()
    {
        await using var db = TestMariaDb.NewName();
        var env = new Dictionary<string, string>(db.AppEnvironment);
        await db.ExecuteAsync($"CREATE DATABASE `{db.Name}`");

        var (refused, refusal) = await AppProcess.RunToExitAsync(env);
        AssertOneLineFailure(refused, refusal, "pending migration");
        Assert.Contains("migrate", refusal);

        var (migrated, migrateOutput) = await AppProcess.RunToExitAsync(env, ["migrate"]);
        Assert.True(migrated == 0, migrateOutput);
        Assert.Contains("up to date", migrateOutput);

        var (again, _) = await AppProcess.RunToExitAsync(env, ["migrate"]);
        Assert.Equal(0, again);

        await using var app = await AppProcess.StartAsync(env);
        var health = await GetHealthAsync(app);
        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.Equal("up", health.Body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task With_mysql_in_production_a_missing_database_is_named_and_migrate_creates_it()
    {
        await using var db = TestMariaDb.NewName();
        var env = new Dictionary<string, string>(db.AppEnvironment);

        var (refused, refusal) = await AppProcess.RunToExitAsync(env);
        AssertOneLineFailure(refused, refusal, $"the database '{db.Name}' does not exist");

        var (migrated, migrateOutput) = await AppProcess.RunToExitAsync(env, ["migrate"]);
        Assert.True(migrated == 0, migrateOutput);
        Assert.Contains("up to date", migrateOutput);

        await using var app = await AppProcess.StartAsync(env);
        Assert.Equal(HttpStatusCode.OK, (await GetHealthAsync(app)).Status);
    }

    [Fact]
    public async Task Health_turns_503_and_names_the_database_when_it_goes_away()
    {
        await using var db = TestMariaDb.NewName();
        var env = new Dictionary<string, string>(db.AppEnvironment) { ["DB_AUTO_MIGRATE"] = "true" };
        await using var app = await AppProcess.StartAsync(env);
        Assert.Equal(HttpStatusCode.OK, (await GetHealthAsync(app)).Status);

        await db.ExecuteAsync($"DROP DATABASE `{db.Name}`");

        var (status, body) = await GetHealthAsync(app);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        var database = body.GetProperty("checks").GetProperty("database");
        Assert.Equal("down", database.GetProperty("status").GetString());
        Assert.Contains(TestEnvironment.MySqlHost, database.GetProperty("description").GetString());
        Assert.DoesNotContain(TestEnvironment.MySqlPassword, body.ToString());
    }

    [Fact]
    public async Task With_Redis_unreachable_the_app_still_starts_serves_and_reports_Redis_down()
    {
        var closedPort = AppProcess.FreePort();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["REALTIME_REDIS_URL"] = $"127.0.0.1:{closedPort}" });
        using var http = new HttpClient { BaseAddress = app.BaseUrl };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz/live")).StatusCode);
        var (status, body) = await GetHealthAsync(app);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("down", body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("up", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(app.Output, "is unreachable"));
    }

    [Fact]
    public async Task The_readme_run_command_serves_the_app_with_no_configuration_at_all()
    {
        // `dotnet run --project src/App.Web` (prebuilt, so the test does not rebuild): no .env, no DB_ settings.
        var port = AppProcess.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "run", "--project", "src/App.Web", "-c", RepoPaths.Configuration, "--no-build", "--", "--urls", $"http://127.0.0.1:{port}" })
            start.ArgumentList.Add(arg);
        // Nothing of the test run's own configuration may leak in: the command must work with none at all.
        foreach (var key in start.Environment.Keys.Where(k => AppProcess.ScrubbedPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToList())
            start.Environment.Remove(key);
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient();
            var home = await PollAsync(http, new Uri($"http://127.0.0.1:{port}/"), process, output);
            Assert.Contains("mud-appbar", home);
            var css = await http.GetAsync($"http://127.0.0.1:{port}/_content/MudBlazor/MudBlazor.min.css");
            Assert.Equal(HttpStatusCode.OK, css.StatusCode);
            Assert.True((await css.Content.ReadAsByteArrayAsync()).Length > 10_000, "MudBlazor's stylesheet is served with content");
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{port}/favicon.svg")).StatusCode);
            lock (output) Assert.Contains($"http://127.0.0.1:{port}", output.ToString());
            // The embedded default: a SQLite file, created and migrated by start-up.
            var health = await http.GetAsync($"http://127.0.0.1:{port}/healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Contains("sqlite", (await health.Content.ReadAsStringAsync()).ToLowerInvariant());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    private static async Task<string> PollAsync(HttpClient http, Uri uri, Process process, System.Text.StringBuilder output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            // The output is read under its lock only when needed: the process is still writing to it.
            if (process.HasExited) lock (output) Assert.Fail("dotnet run exited:\n" + output);
            try
            {
                var response = await http.GetAsync(uri);
                if (response.IsSuccessStatusCode) return await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        lock (output) throw new TimeoutException("dotnet run did not serve the app:\n" + output);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetHealthAsync(AppProcess app)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(app.BaseUrl, "healthz"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    private static void AssertOneLineFailure(int exitCode, string output, string expected)
    {
        Assert.True(exitCode != 0, "expected a non-zero exit code:\n" + output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var failure = Assert.Single(lines, l => l.StartsWith("startup failed:", StringComparison.Ordinal));
        Assert.Contains(expected, failure);
        Assert.DoesNotContain(lines, l => l.StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Exception", output);
    }
}
