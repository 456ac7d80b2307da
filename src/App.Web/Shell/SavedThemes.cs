using System.Security.Claims;
using App.Domain.Users;
using Microsoft.AspNetCore.Identity;

namespace App.Web.Shell;

/// <summary>A signed-in user's theme choice, kept as a user claim (<see cref="ThemePreference.ClaimType"/>): their other
/// browsers follow it from their next page (the cookie principal is rebuilt from the database on every request).</summary>
public sealed class SavedThemes(UserManager<AppUser> users)
{
    /// <summary>Saves <paramref name="choice"/> for the signed-in <paramref name="user"/>; false for a visitor or an
    /// account that no longer exists.</summary>
    public async Task<bool> SaveAsync(ClaimsPrincipal user, string choice)
    {
        if (ThemePreference.Parse(choice) is null) throw new ArgumentException($"unknown theme '{choice}'", nameof(choice));
        if (user.Identity?.IsAuthenticated != true || await users.GetUserAsync(user) is not { } account) return false;
        var claims = (await users.GetClaimsAsync(account)).Where(c => c.Type == ThemePreference.ClaimType).ToList();
        if (claims.Count == 1 && claims[0].Value == choice) return true;
        if (claims.Count > 0) await users.RemoveClaimsAsync(account, claims);
        await users.AddClaimAsync(account, new Claim(ThemePreference.ClaimType, choice));
        return true;
    }
}
