using Microsoft.AspNetCore.Identity;

namespace App.Domain.Users;

/// <summary>Password, lockout and uniqueness rules for accounts, shared by the web host and any worker.</summary>
public static class AccountRules
{
    public const int MaxFailedSignIns = 5;

    public static void Configure(IdentityOptions o)
    {
        o.User.RequireUniqueEmail = true;
        o.Password.RequiredLength = 8;
        o.Password.RequireNonAlphanumeric = false;
        o.Lockout.AllowedForNewUsers = true;
        o.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
        o.SignIn.RequireConfirmedAccount = false;
    }
}
