using Microsoft.AspNetCore.Identity;

namespace App.Domain.Users;

/// <summary>An account. Identity owns the credentials; the app adds a display name and operator state.</summary>
public class AppUser : IdentityUser
{
    public const int DisplayNameMaxLength = 100;

    public string DisplayName { get; set; } = "";

    /// <summary>A disabled user cannot sign in and loses access on the next request or circuit action.</summary>
    public bool IsDisabled { get; set; }

    /// <summary>Granted in the console (or to the first user). Users in OPERATOR_EMAILS are operators regardless.</summary>
    public bool IsOperator { get; set; }

    public DateTime CreatedAt { get; set; }
}
