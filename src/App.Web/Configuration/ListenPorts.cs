using System.Net;
using System.Net.Sockets;

namespace App.Web.Configuration;

/// <summary>Checks, before the host starts, that the ports it will listen on are free. Kestrel finds out too, but
/// reports it as a 30-line "Hosting failed to start" trace; this stops start-up with one line that says what to do.</summary>
public static class ListenPorts
{
    public static WebApplicationBuilder RequireFreeListenPorts(this WebApplicationBuilder builder)
    {
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls)) return builder;
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri)) continue;
            var address = uri.Host switch
            {
                "localhost" => IPAddress.Loopback,
                _ when IPAddress.TryParse(uri.Host.Trim('[', ']'), out var parsed) => parsed,
                _ => null,
            };
            if (address is null || uri.Port == 0) continue;
            if (!IsFree(address, uri.Port))
                throw new StartupException($"port {uri.Port} is in use ({url}): stop the program using it, or pick another port with --urls http://localhost:<port>");
        }
        return builder;
    }

    private static bool IsFree(IPAddress address, int port)
    {
        try
        {
            var listener = new TcpListener(address, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
        catch (SocketException)
        {
            return true; // not ours to judge (e.g. no IPv6 here): Kestrel will say what is wrong
        }
    }
}
