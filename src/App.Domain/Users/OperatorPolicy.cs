using App.Domain.Common;
using App.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Users;

/// <summary>Who runs the app: users whose email is in OPERATOR_EMAILS, plus users granted operator in the
/// console (the first user ever registered is granted it when OPERATOR_EMAILS is empty).</summary>
public sealed class OperatorPolicy
{
    private readonly HashSet<string> configuredEmails;

    public OperatorPolicy(IEnumerable<string> operatorEmails)
    {
        configuredEmails = operatorEmails.Select(e => e.Trim().ToUpperInvariant()).Where(e => e.Length > 0)
            .ToHashSet(StringComparer.Ordinal);
    }

    public bool HasConfiguredEmails => configuredEmails.Count > 0;

    public bool IsConfigured(string? email) =>
        email is not null && configuredEmails.Contains(email.Trim().ToUpperInvariant());

    public bool IsOperator(AppUser user) => !user.IsDisabled && (user.IsOperator || IsConfigured(user.Email));

    /// <summary><see cref="IsOperator"/> as a query, so operators are counted by the database. The configured
    /// emails are inlined (a short list from configuration), which both providers translate to IN (...).</summary>
    public IQueryable<AppUser> EnabledOperators(IQueryable<AppUser> users)
    {
        var emails = configuredEmails.ToList();
        return users.Where(u => !u.IsDisabled && (u.IsOperator || EF.Constant(emails).Contains(u.NormalizedEmail!)));
    }

    public async Task<AppUser> RequireOperatorAsync(AppDbContext db, Actor actor, CancellationToken ct = default)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == actor.UserId, ct);
        if (user is null || !IsOperator(user)) throw new AccessDeniedException("Only operators can do that.");
        return user;
    }
}
