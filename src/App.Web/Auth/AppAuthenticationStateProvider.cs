using System.Security.Claims;
using App.Domain.Users;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace App.Web.Auth;

/// <summary>Re-checks a circuit's user every few seconds: a changed security stamp (signed out elsewhere,
/// password changed, disabled, operator revoked) or a disabled account signs the circuit out. Domain
/// services also check on every call, so the next action is refused even between checks.</summary>
internal sealed class AppAuthenticationStateProvider(
    ILoggerFactory loggerFactory, IServiceScopeFactory scopeFactory, IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    private readonly ILogger logger = loggerFactory.CreateLogger<AppAuthenticationStateProvider>();

    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(15);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        try
        {
            return await StillValidAsync(state);
        }
        catch (Exception ex) when (App.Domain.Common.DatabaseFailures.IsUnavailable(ex))
        {
            // A database outage is not a sign-out: the base class would sign the circuit out on any exception. Keep
            // the user and check again next interval; every domain call still checks (and fails while it is down).
            logger.LogWarning("Could not re-check the circuit's user: the database is unavailable ({Error})", ex.GetType().Name);
            return true;
        }
    }

    private async Task<bool> StillValidAsync(AuthenticationState state)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.GetUserAsync(state.User);
        if (user is null || user.IsDisabled) return false;
        var stamp = state.User.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
        return stamp == await users.GetSecurityStampAsync(user);
    }
}
