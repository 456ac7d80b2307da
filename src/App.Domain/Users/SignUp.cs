using App.Domain.Persistence;
using App.Domain.Workspaces;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Users;

public sealed record SignUpRequest(string Email, string Password, string DisplayName);

public sealed record SignUpResult(AppUser? User, string? WorkspaceSlug, IReadOnlyList<SignUpError> Errors)
{
    public bool Succeeded => User is not null && Errors.Count == 0;
}

/// <summary>A problem with one field of the sign-up form (Field is Email, Password or DisplayName).</summary>
public sealed record SignUpError(string Field, string Message);

/// <summary>
/// Personal tenancy sign-up: the user and their personal workspace are created in one transaction, so
/// there is never a user without a workspace or a workspace without its owner.
/// </summary>
public sealed class PersonalSignUp(UserManager<AppUser> users, AppDbContext db, OperatorPolicy operators, TimeProvider clock)
{
    public async Task<SignUpResult> RegisterAsync(SignUpRequest request, CancellationToken ct = default)
    {
        var displayName = (request.DisplayName ?? "").Trim();
        if (displayName.Length == 0) return Fail("DisplayName", "Display name is required.");
        if (displayName.Length > AppUser.DisplayNameMaxLength)
            return Fail("DisplayName", $"Display name must be at most {AppUser.DisplayNameMaxLength} characters.");
        var email = (request.Email ?? "").Trim();
        if (email.Length is 0 or > 256) return Fail("Email", "Enter an email address of at most 256 characters.");

        // Report every problem at once (Identity stops at the first failing validator).
        var problems = new List<SignUpError>();
        if (await users.FindByEmailAsync(email) is not null) problems.Add(new SignUpError("Email", DuplicateEmail));
        var probe = new AppUser { UserName = email, Email = email };
        foreach (var validator in users.PasswordValidators)
        {
            var checkedPassword = await validator.ValidateAsync(users, probe, request.Password ?? "");
            problems.AddRange(checkedPassword.Errors.Select(ToError));
        }
        if (problems.Count > 0) return new SignUpResult(null, null, problems.Distinct().ToList());

        var now = clock.GetUtcNow().UtcDateTime;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var user = new AppUser
            {
                UserName = email,
                Email = email,
                DisplayName = displayName,
                CreatedAt = now,
                IsOperator = !operators.HasConfiguredEmails && !await db.Users.AnyAsync(ct),
            };
            var created = await users.CreateAsync(user, request.Password ?? "");
            if (!created.Succeeded)
            {
                await transaction.RollbackAsync(ct);
                return new SignUpResult(null, null, created.Errors.Select(ToError).Distinct().ToList());
            }

            var workspace = new Workspace
            {
                Id = Guid.CreateVersion7(),
                Name = TrimTo(displayName, Workspace.NameMaxLength),
                Kind = WorkspaceKind.Personal,
                OwnerId = user.Id,
                CreatedAt = now,
            };
            workspace.Slug = await WorkspaceSlugs.AllocateAsync(db, displayName, ct);
            workspace.Members.Add(new WorkspaceMembership { UserId = user.Id, Role = WorkspaceRole.Owner, JoinedAt = now });
            db.Workspaces.Add(workspace);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new SignUpResult(user, workspace.Slug, []);
        });
    }

    private static SignUpResult Fail(string field, string message) => new(null, null, [new SignUpError(field, message)]);

    private static string TrimTo(string value, int max) => value.Length <= max ? value : value[..max];

    private static SignUpError ToError(IdentityError error) => new(
        error.Code switch
        {
            var c when c.StartsWith("Password", StringComparison.Ordinal) => "Password",
            "DuplicateEmail" or "DuplicateUserName" or "InvalidEmail" or "InvalidUserName" => "Email",
            _ => "Email",
        },
        error.Code is "DuplicateUserName" or "DuplicateEmail" ? DuplicateEmail : error.Description);

    private const string DuplicateEmail = "An account with this email already exists.";
}
