using System.Security.Claims;
using App.Domain.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace App.Web.Auth;

/// <summary>Adds the display name and operator flag to the cookie. Changing either rotates the security
/// stamp, so a stale cookie is refused on its next request.</summary>
public sealed class AppClaimsPrincipalFactory(UserManager<AppUser> users, IOptions<IdentityOptions> options, OperatorPolicy operators)
    : UserClaimsPrincipalFactory<AppUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(AppClaims.DisplayName, user.DisplayName));
        if (operators.IsOperator(user)) identity.AddClaim(new Claim(AppClaims.Operator, "true"));
        return identity;
    }
}
