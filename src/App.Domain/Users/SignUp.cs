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
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            try
            {
                var result = await strategy.ExecuteAsync(() => TryCreateAsync(email, request.Password ?? "", displayName, now, ct));
                if (result is not null) return result;
            }
            catch (Exception ex) when (DatabaseRaces.IsDeadlock(ex))
            {
                // The database rolled this attempt back whole (two first sign-ups at once): run it again.
            }
        }
        return Fail("DisplayName", "Many people are signing up with this name right now. Try again in a moment.");
    }

    /// <summary>Two sign-ups that pass the checks above at the same moment can still collide on a unique index.
    /// Each collision is retried (slug) or answered (email); a handful of attempts settles any realistic burst.</summary>
    private const int MaxAttempts = 10;

    /// <summary>One attempt in one transaction. Returns null when another sign-up took the slug first (the caller
    /// tries again with the next free one); whatever fails, the transaction rolls back, so no user is left
    /// without a workspace.</summary>
    private async Task<SignUpResult?> TryCreateAsync(string email, string password, string displayName, DateTime now, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var userWritten = false;
        try
        {
            var user = new AppUser
            {
                UserName = email,
                Email = email,
                DisplayName = displayName,
                CreatedAt = now,
                IsOperator = await IsFirstUserAsync(ct),
            };
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                await transaction.RollbackAsync(ct);
                return new SignUpResult(null, null, created.Errors.Select(ToError).Distinct().ToList());
            }
            userWritten = true;

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
        }
        catch (DbUpdateException ex) when (DatabaseRaces.IsUniqueViolation(ex))
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            // The user row can only clash on its user name (= the email: Identity's unique index); the workspace
            // only on its slug, which a simultaneous sign-up just took.
            return userWritten ? null : Fail("Email", DuplicateEmail);
        }
        catch
        {
            // The transaction rolls back when disposed; forget the rows this context still tracks as added.
            db.ChangeTracker.Clear();
            throw;
        }
    }

    /// <summary>With no OPERATOR_EMAILS, the first account becomes the operator.</summary>
    /// <summary>Whether the next account will become the operator (no account yet, no OPERATOR_EMAILS): the register
    /// page says so, so the first person in knows what they are creating.</summary>
    public async Task<bool> NextBecomesOperatorAsync(CancellationToken ct = default) =>
        !operators.HasConfiguredEmails && !await db.Users.AnyAsync(ct);

    private async Task<bool> IsFirstUserAsync(CancellationToken ct)
    {
        if (operators.HasConfiguredEmails || await db.Users.AnyAsync(ct)) return false;
        // SQLite: Microsoft.Data.Sqlite begins transactions with BEGIN IMMEDIATE, which already serialises sign-ups.
        if (!db.Database.IsMySql()) return true;
        // MariaDB (repeatable read): two simultaneous first sign-ups would both see an empty table. A locking read
        // makes them wait for each other; one becomes a deadlock victim, runs again and then sees the other's row.
        var count = await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS `Value` FROM `AspNetUsers` FOR UPDATE").ToListAsync(ct);
        return count.Single() == 0;
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
