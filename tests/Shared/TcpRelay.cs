using System.Net;
using System.Net.Sockets;

namespace App.Tests.Shared;

/// <summary>A loopback TCP relay in front of a server (MariaDB here): <see cref="Stop"/> cuts every connection and
/// refuses new ones, as a server that went down does; <see cref="Start"/> brings it back on the same port.</summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly string targetHost;
    private readonly int targetPort;
    private readonly List<TcpClient> open = [];
    private TcpListener? listener;
    private CancellationTokenSource? running;

    public TcpRelay(string targetHost, int targetPort)
    {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        Port = AppProcess.FreePort();
    }

    public int Port { get; }

    public void Start()
    {
        if (listener is not null) return;
        running = new CancellationTokenSource();
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _ = AcceptAsync(listener, running.Token);
    }

    public void Stop()
    {
        running?.Cancel();
        listener?.Stop();
        listener = null;
        lock (open)
        {
            foreach (var client in open) client.Dispose();
            open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener server, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await server.AcceptTcpClientAsync(stop);
            }
            catch (Exception) when (stop.IsCancellationRequested || !server.Server.IsBound)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(targetHost, targetPort, stop);
            }
            catch (Exception)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }
            lock (open)
            {
                open.Add(inbound);
                open.Add(outbound);
            }
            _ = PipeAsync(inbound, outbound, stop);
            _ = PipeAsync(outbound, inbound, stop);
        }
    }

    private static async Task PipeAsync(TcpClient from, TcpClient to, CancellationToken stop)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), stop);
        }
        catch (Exception)
        {
            // A cut connection ends both directions.
        }
        from.Dispose();
        to.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }
}
