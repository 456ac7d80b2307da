using System.Diagnostics;
using System.Net.Sockets;

namespace App.Tests.Shared;

/// <summary>A private redis-server on a free loopback port that a test can stop and start again (same port).</summary>
public sealed class TestRedis : IAsyncDisposable
{
    private readonly string dir = AppProcess.NewWorkDir();

    private TestRedis(int port) => Port = port;

    public int Port { get; }
    public string Url => $"127.0.0.1:{Port}";

    public static async Task<TestRedis> StartAsync()
    {
        var redis = new TestRedis(AppProcess.FreePort());
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>A free port for a redis-server that is not running yet: start it with <see cref="StartAgainAsync"/>.</summary>
    public static TestRedis Reserve() => new(AppProcess.FreePort());

    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(TestEnvironment.RedisServer)
        {
            ArgumentList = { "--bind", "127.0.0.1", "--port", Port.ToString(), "--save", "", "--appendonly", "no", "--dir", dir,
                "--daemonize", "yes", "--pidfile", Path.Combine(dir, "redis.pid"), "--logfile", Path.Combine(dir, "redis.log") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await IsUpAsync())
        {
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"redis-server did not start on {Port}");
            await Task.Delay(50);
        }
    }

    public async Task StopAsync()
    {
        var pidFile = Path.Combine(dir, "redis.pid");
        if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out var pid))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                await process.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
            }
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await IsUpAsync() && DateTime.UtcNow < deadline) await Task.Delay(50);
    }

    private async Task<bool> IsUpAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
