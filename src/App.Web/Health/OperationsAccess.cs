using System.Net;
using App.Web.Auth;
using App.Web.Configuration;

namespace App.Web.Health;

/// <summary>Who may read operational details (/healthz details, /metrics): signed-in operators, and callers on
/// loopback unless OPS_TRUST_LOOPBACK=false (set it false behind a reverse proxy on the same host, where every
/// caller looks like loopback).</summary>
public static class OperationsAccess
{
    public static bool Allows(HttpContext context)
    {
        if (context.User.IsOperator()) return true;
        var settings = context.RequestServices.GetRequiredService<AppSettings>();
        return settings.TrustLoopback && context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address);
    }
}
