using Microsoft.AspNetCore.Http;

namespace App.Realtime.Sse;

/// <summary>
/// Decides who an SSE request streams for. <c>EventSource</c> cannot send headers, so apps usually hand out a
/// short-lived, single-use token and read it from the query string here. Return the user id, or an error
/// (answered as 401 problem details, nothing streamed), or <see cref="SseAuthentication.Unavailable"/> when the
/// check itself cannot be made (503 with Retry-After: fail closed). A stream ends by itself at
/// <see cref="SseAuthentication.ExpiresAt"/> (when the credential behind it expires).
/// </summary>
public interface IRealtimeSseAuthenticator
{
    Task<SseAuthentication> AuthenticateAsync(HttpContext http);
}

public readonly record struct SseAuthentication(string? UserId, string? Error)
{
    /// <summary>When the stream must end (the session or access token it was opened with expires); null: never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public static SseAuthentication For(string userId, DateTimeOffset? expiresAt = null) => new(userId, null) { ExpiresAt = expiresAt };
    public static SseAuthentication Refused(string error) => new(null, error);

    /// <summary>The request could not be checked now (e.g. the store that makes tokens single-use is down): answered
    /// 503 with <c>Retry-After</c>, never accepted on trust.</summary>
    public static SseAuthentication Unavailable(string error, TimeSpan retryAfter) => new(null, error) { RetryAfter = retryAfter };

    /// <summary>Set for <see cref="Unavailable"/>: when the client may try again.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>The default: the request's own authenticated user (cookie, bearer), as for the hub.</summary>
internal sealed class PrincipalSseAuthenticator(Microsoft.Extensions.Options.IOptions<RealtimeOptions> options) : IRealtimeSseAuthenticator
{
    public Task<SseAuthentication> AuthenticateAsync(HttpContext http) =>
        Task.FromResult(options.Value.UserIdOf(http.User) is { } userId
            ? SseAuthentication.For(userId)
            : SseAuthentication.Refused("Sign in first."));
}

/// <summary>Settings of the SSE transport (<c>.AddServerSentEvents(o => ...)</c>).</summary>
public sealed class RealtimeSseOptions
{
    public string Path { get; set; } = "/api/realtime/events";

    /// <summary>Events one stream may have waiting before it is sent a reset.</summary>
    public int QueueCapacity { get; set; } = 8192;
}
