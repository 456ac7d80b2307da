using System.Security.Claims;
using App.Domain.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace App.Web.Auth;

/// <summary>Identity's sign-in manager, closed to disabled users both at sign-in and at every cookie check, and
/// answering an unknown email exactly as it answers a real account (same work, same results).</summary>
public sealed class AppSignInManager(
    UserManager<AppUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<AppUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation,
    UnknownAccountAttempts? unknownAccounts = null)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    private readonly UnknownAccountAttempts unknown = unknownAccounts ?? new UnknownAccountAttempts(TimeProvider.System);
    private static string? dummyHash;

    public override async Task<bool> CanSignInAsync(AppUser user) => !user.IsDisabled && await base.CanSignInAsync(user);

    /// <summary>Sign-in by email (the user name). An unknown email costs one password hash, as a real account's
    /// check does, and counts failures toward a lockout like a real account, so neither the time taken nor the
    /// answer ("invalid", then "locked") says whether the account exists.</summary>
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        return user is null
            ? UnknownAccount(userName, password, lockoutOnFailure)
            : await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
    }

    /// <summary>Checks an email and password without signing in (token endpoints), with lockout counting; the user
    /// is null for an unknown email, whose result reads like a real account's.</summary>
    public async Task<(AppUser? User, SignInResult Result)> CheckCredentialsAsync(string email, string password)
    {
        var user = await UserManager.FindByEmailAsync(email);
        return user is null
            ? (null, UnknownAccount(email, password, lockoutOnFailure: true))
            : (user, await CheckPasswordSignInAsync(user, password, lockoutOnFailure: true));
    }

    /// <summary>A disabled account goes through the same lockout as any other: a locked-out account is not even
    /// tried and each wrong password counts, so guessing its password is no cheaper. Only the right password
    /// learns that it is disabled (<see cref="SignInResult.NotAllowed"/>); a wrong one gets the plain failure.
    /// A locked-out account still costs one password hash (against a dummy), so it answers as slowly as any other.</summary>
    public override async Task<SignInResult> CheckPasswordSignInAsync(AppUser user, string password, bool lockoutOnFailure)
    {
        if (await IsLockedOut(user))
        {
            HashAgainstDummy(password);
            return await LockedOut(user);
        }
        if (!user.IsDisabled) return await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
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

    private SignInResult UnknownAccount(string email, string password, bool lockoutOnFailure)
    {
        HashAgainstDummy(password);
        if (unknown.IsLockedOut(email)) return SignInResult.LockedOut;
        return lockoutOnFailure && unknown.Fail(email) ? SignInResult.LockedOut : SignInResult.Failed;
    }

    /// <summary>The same hashing work a real password check does (the hash is of a random password, so it never matches).</summary>
    private void HashAgainstDummy(string password)
    {
        var hasher = UserManager.PasswordHasher;
        var probe = new AppUser();
        dummyHash ??= hasher.HashPassword(probe, Guid.NewGuid().ToString("N"));
        hasher.VerifyHashedPassword(probe, dummyHash, password);
    }
}
