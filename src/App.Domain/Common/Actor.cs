namespace App.Domain.Common;

/// <summary>
/// Who is calling a domain service. <see cref="OriginId"/> names the circuit or connection that caused
/// the call, so realtime events can carry it and a tab can ignore its own echo.
/// </summary>
public sealed record Actor(string UserId, string? OriginId = null)
{
    public static Actor System { get; } = new("system");
}
