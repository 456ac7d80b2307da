using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace App.Tests.Shared;

/// <summary>
/// The built app (src/App.Web/bin/.../App.Web.dll) as a real child process on a free loopback port, with its
/// own working directory and data folder, and none of the developer's DB_/REALTIME_ settings leaking in.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    public static readonly string[] ScrubbedPrefixes =
        ["DB_", "SQLITE_", "REALTIME_", "APP_", "OPERATOR_", "TENANCY_", "DATA_PROTECTION_", "ASPNETCORE_", "DOTNET_ENVIRONMENT",
         "OPS_", "HEALTH_", "RATE_LIMIT_", "OTEL_"];

    /// <summary>The REALTIME_RELAY_KEY of instances started with REALTIME_REDIS_URL (see <see cref="Launch"/>).</summary>
    public const string TestRelayKey = "test-relay-key-0123456789abcdef0123456789";

    private readonly Process process;
    private readonly StringBuilder output = new();

    private AppProcess(Process process, int port, string workDir)
    {
        this.process = process;
        Port = port;
        WorkDir = workDir;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }
    public Uri BaseUrl { get; }
    public string WorkDir { get; }
    public int ProcessId => process.Id;
    public bool HasExited => process.HasExited;

    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    /// <summary>The last lines the app wrote, for failure messages.</summary>
    public string Tail(int lines = 60) =>
        string.Join('\n', Output.Split('\n').TakeLast(lines));

    /// <summary>Starts the app and waits until it answers /healthz/live (or fails, with its output).</summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string>? environment = null,
        int? port = null, string? workDir = null, TimeSpan? timeout = null)
    {
        var app = Launch(environment, port ?? FreePort(), workDir ?? NewWorkDir(), []);
        try
        {
            await app.WaitUntilLiveAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch
        {
            // Nobody else holds it yet: a start that timed out must not leave the app running after the test run.
            await app.DisposeAsync();
            throw;
        }
        return app;
    }

    /// <summary>Runs the app with <paramref name="args"/> until it exits (for start-up failures and `migrate`).</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string>? environment,
        string[]? args = null, TimeSpan? timeout = null, string? workDir = null, int? port = null)
    {
        await using var app = Launch(environment, port ?? FreePort(), workDir ?? NewWorkDir(), args ?? []);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await app.process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The app did not exit:\n" + app.Output);
        }
        app.process.WaitForExit();
        return (app.process.ExitCode, app.Output);
    }

    /// <summary>Kills the process at once (simulates a crash).</summary>
    public void Kill()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    /// <summary>Raised with the base URL of an app a test is done with (disposed, not just killed for a restart).</summary>
    public static event Action<Uri>? Disposed;

    public async ValueTask DisposeAsync()
    {
        Kill();
        process.Dispose();
        Disposed?.Invoke(BaseUrl);
        await Task.CompletedTask;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A fresh working directory: under TEST_WORK_ROOT when set (scripts/test.sh points it into the folder
    /// it removes when the run ends, so apps' databases and keys do not pile up in /tmp), else under the temp path.</summary>
    public static string NewWorkDir()
    {
        var root = Environment.GetEnvironmentVariable("TEST_WORK_ROOT") is { Length: > 0 } set ? set : Path.GetTempPath();
        var dir = Path.Combine(root, "app-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static AppProcess Launch(IReadOnlyDictionary<string, string>? environment, int port, string workDir, string[] args)
    {
        if (!File.Exists(RepoPaths.WebDll))
            throw new InvalidOperationException($"{RepoPaths.WebDll} is missing: build the solution first (./scripts/test.sh does).");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepoPaths.WebDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var key in start.Environment.Keys.ToList())
            if (ScrubbedPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal))) start.Environment.Remove(key);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["APP_DATA_PATH"] = Path.Combine(workDir, "data");
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        if (environment is not null)
            foreach (var (key, value) in environment) start.Environment[key] = value;
        // Every instance a test starts with Redis shares one relay key, unless the test sets (or blanks) its own.
        if (environment?.ContainsKey("REALTIME_REDIS_URL") == true && !environment.ContainsKey("REALTIME_RELAY_KEY"))
            start.Environment["REALTIME_RELAY_KEY"] = TestRelayKey;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var app = new AppProcess(process, port, workDir);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    private async Task WaitUntilLiveAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The app exited with code {process.ExitCode}:\n{Output}");
            try
            {
                var response = await http.GetAsync(new Uri(BaseUrl, "healthz/live"));
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The app did not answer within {timeout.TotalSeconds}s:\n{Output}");
    }
}
