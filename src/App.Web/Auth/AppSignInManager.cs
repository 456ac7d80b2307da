using System.Security.Claims;
using App.Domain.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace App.Web.Auth;

/// <summary>Identity's sign-in manager, closed to disabled users both at sign-in and at every cookie check.</summary>
public sealed class AppSignInManager(
    UserManager<AppUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<AppUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(AppUser user) => !user.IsDisabled && await base.CanSignInAsync(user);

    /// <summary>A disabled account goes through the same lockout as any other: a locked-out account is not even
    /// tried and each wrong password counts, so guessing its password is no cheaper. Only the right password
    /// learns that it is disabled (<see cref="SignInResult.NotAllowed"/>); a wrong one gets the plain failure.</summary>
    public override async Task<SignInResult> CheckPasswordSignInAsync(AppUser user, string password, bool lockoutOnFailure)
    {
        if (!user.IsDisabled) return await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
        if (await IsLockedOut(user)) return await LockedOut(user);
        if (await UserManager.CheckPasswordAsync(user, password)) return SignInResult.NotAllowed;
        if (lockoutOnFailure && UserManager.SupportsUserLockout)
        {
            await UserManager.AccessFailedAsync(user);
            if (await IsLockedOut(user)) return await LockedOut(user);
        }
        return SignInResult.Failed;
    }

    public override async Task<AppUser?> ValidateSecurityStampAsync(ClaimsPrincipal? principal)
    {
        var user = await base.ValidateSecurityStampAsync(principal);
        return user is { IsDisabled: false } ? user : null;
    }
}
