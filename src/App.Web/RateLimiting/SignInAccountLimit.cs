using System.Text.Json;
using System.Threading.RateLimiting;

namespace App.Web.RateLimiting;

/// <summary>Sign-in attempts per email, from anywhere. Runs after the per-address limit (<see cref="RequestLimits"/>),
/// so attempts refused there never count here nor toward the account's lockout. Reads the email from the sign-in
/// form or the token API's JSON body (buffered, so the endpoint reads it again).</summary>
internal sealed class SignInAccountLimit(RateLimitSettings limits) : IDisposable
{
    private const int MaxBodyBytes = 16 * 1024;

    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(email =>
        RateLimitPartition.GetFixedWindowLimiter(email, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limits.SignInPerAccount.Permits, Window = limits.SignInPerAccount.Window, QueueLimit = 0,
        }));

    public async Task<RateLimitLease?> TryAcquireAsync(HttpContext context)
    {
        var email = await EmailAsync(context);
        if (email is null) return null;
        return await limiter.AcquireAsync(email.Trim().ToUpperInvariant(), 1, context.RequestAborted);
    }

    private static async Task<string?> EmailAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength is > MaxBodyBytes) return null;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(context.RequestAborted);
            return form["Input.Email"].ToString() is { Length: > 0 } email ? email : null;
        }
        if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true) return null;
        request.EnableBuffering(MaxBodyBytes);
        try
        {
            using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: context.RequestAborted);
            return json.RootElement.ValueKind == JsonValueKind.Object
                   && (json.RootElement.TryGetProperty("email", out var e) || json.RootElement.TryGetProperty("Email", out e))
                   && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        }
        catch (JsonException)
        {
            return null; // the endpoint answers 400 for it
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    public void Dispose() => limiter.Dispose();
}
