using System.Security.Claims;
using App.Domain.Users;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace App.Web.Auth;

/// <summary>Re-checks a circuit's user every few seconds, and at once when the user's account changes
/// (<see cref="RevalidateNowAsync"/>): an expired session (<see cref="SessionExpiry"/>), a changed security stamp (signed out elsewhere, password changed, disabled)
/// or operator role, or a disabled account, signs the circuit out, so operator-only pages (the console's live tail)
/// end even if the browser ignores the reload it is asked to do. Domain services also check on every call, so the
/// next action is refused even between checks.</summary>
internal sealed class AppAuthenticationStateProvider(
    ILoggerFactory loggerFactory, IServiceScopeFactory scopeFactory, IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    private readonly ILogger logger = loggerFactory.CreateLogger<AppAuthenticationStateProvider>();

    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(15);

    /// <summary>Checks the circuit's user now (their account changed); signs the circuit out if it no longer holds.</summary>
    public async Task RevalidateNowAsync()
    {
        var state = await GetAuthenticationStateAsync();
        if (state.User.Identity?.IsAuthenticated != true) return;
        if (await ValidateAuthenticationStateAsync(state, CancellationToken.None)) return;
        logger.LogInformation("Circuit signed out: its user's account changed");
        SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
    }

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
        // The sign-in cookie has expired: the browser no longer holds a session, so neither does the open page.
        if (SessionExpiry.HasPassed(state.User, DateTimeOffset.UtcNow)) return false;
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.GetUserAsync(state.User);
        if (user is null || user.IsDisabled) return false;
        // Granting or revoking operator keeps the stamp (cookies pick the change up on their next request); a circuit
        // holds the claims it started with, so a role that no longer matches ends it.
        var operators = scope.ServiceProvider.GetRequiredService<OperatorPolicy>();
        if (state.User.HasClaim(AppClaims.Operator, "true") != operators.IsOperator(user)) return false;
        var stamp = state.User.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
        return stamp == await users.GetSecurityStampAsync(user);
    }
}
