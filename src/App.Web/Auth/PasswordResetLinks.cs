using System.Text;
using App.Domain.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace App.Web.Auth;

/// <summary>Links an operator hands to a user who cannot sign in: /Account/ResetPassword with Identity's
/// single-purpose token (valid one day, void once the password or security stamp changes).</summary>
public sealed class PasswordResetLinks(IServiceScopeFactory scopes)
{
    public async Task<string> CreateAsync(string userId, Uri baseUri)
    {
        // A scope of its own: called from a circuit, whose UserManager would otherwise live as long as the circuit.
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new App.Domain.Common.NotFoundException("User not found.");
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        return new Uri(baseUri, $"Account/ResetPassword?user={Uri.EscapeDataString(userId)}&code={code}").ToString();
    }

    /// <summary>Sets the new password if the link is still good; the errors say what is wrong otherwise.</summary>
    public static async Task<IdentityResult> ResetAsync(UserManager<AppUser> users, string? userId, string? code, string password)
    {
        var user = string.IsNullOrEmpty(userId) ? null : await users.FindByIdAsync(userId);
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code ?? ""));
        }
        catch (FormatException)
        {
            token = "";
        }
        if (user is null || user.IsDisabled || token.Length == 0)
            return IdentityResult.Failed(new IdentityError { Code = "InvalidToken", Description = Expired });
        var result = await users.ResetPasswordAsync(user, token, password);
        return result.Errors.Any(e => e.Code == "InvalidToken")
            ? IdentityResult.Failed(new IdentityError { Code = "InvalidToken", Description = Expired })
            : result;
    }

    public const string Expired = "This reset link is no longer valid (used, expired, or the password changed since). Ask an operator for a new one.";
}
