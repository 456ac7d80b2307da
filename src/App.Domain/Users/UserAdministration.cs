using App.Domain.Audit;
using App.Domain.Common;
using App.Domain.Events;
using App.Domain.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Users;

public sealed record UserRow(string Id, string Email, string DisplayName, bool IsDisabled, bool IsOperator,
    bool IsConfiguredOperator, DateTime CreatedAt);

public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageIndex, int PageSize);

/// <summary>The console's user operations. Every change is audited in the same save and takes effect on the
/// user's next request (cookies are re-validated against the database on each one).</summary>
public sealed class UserAdministration(IDbContextFactory<AppDbContext> dbFactory, OperatorPolicy operators, TimeProvider clock)
{
    public const string ChangedEvent = "users.user.changed";
    public const int MaxPageSize = 100;

    private static readonly EntityChangePublisher Changed =
        EntityChangePublisher.Create("users", "user", ChangedEvent, "users.administration");

    public async Task<Page<UserRow>> SearchAsync(Actor actor, string? query, int pageIndex, int pageSize, CancellationToken ct = default)
    {
        (pageIndex, pageSize) = Paging.Clamp(pageIndex, pageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await operators.RequireOperatorAsync(db, actor, ct);
        var users = db.Users.AsNoTracking();
        if (Like.Contains(query) is { } pattern)
        {
            users = users.Where(u => EF.Functions.Like(u.Email!, pattern, Like.EscapeChar)
                                     || EF.Functions.Like(u.DisplayName, pattern, Like.EscapeChar));
        }
        var total = await users.CountAsync(ct);
        var rows = await users.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
            .Skip(pageIndex * pageSize).Take(pageSize).ToListAsync(ct);
        return new Page<UserRow>(rows.Select(ToRow).ToList(), total, pageIndex, pageSize);
    }

    public Task<UserRow> SetDisabledAsync(Actor actor, string userId, bool disabled, CancellationToken ct = default) =>
        ChangeAsync(actor, userId, disabled ? "user.disabled" : "user.enabled", ct, user =>
        {
            if (user.Id == actor.UserId) throw new DomainValidationException("UserId", "You cannot disable your own account.");
            if (disabled && operators.IsConfigured(user.Email))
                throw new DomainValidationException("UserId", "This user is an operator through OPERATOR_EMAILS and cannot be disabled; remove the address from OPERATOR_EMAILS first.");
            user.IsDisabled = disabled;
            // IsDisabled closes sign-in (the web host's sign-in manager checks it). Lockout stays what it is for
            // failed sign-ins, so a disabled account's password is as hard to guess as anyone's; re-enabling
            // starts from a clean slate.
            user.LockoutEnabled = true;
            if (!disabled)
            {
                user.LockoutEnd = null;
                user.AccessFailedCount = 0;
            }
            // Invalidates every cookie and circuit of the user at their next request or revalidation.
            if (disabled) user.SecurityStamp = Guid.NewGuid().ToString("N");
        });

    public Task<UserRow> SetOperatorAsync(Actor actor, string userId, bool isOperator, CancellationToken ct = default) =>
        ChangeAsync(actor, userId, isOperator ? "user.operator-granted" : "user.operator-revoked", ct, user =>
        {
            if (!isOperator && user.Id == actor.UserId)
                throw new DomainValidationException("UserId", "You cannot revoke your own operator role.");
            if (!isOperator && operators.IsConfigured(user.Email))
                throw new DomainValidationException("UserId", "This user is an operator through OPERATOR_EMAILS; change the configuration instead.");
            user.IsOperator = isOperator;
        });

    /// <summary>Audits that an operator issued a password-reset link for a user (the web host makes the link with
    /// Identity's token provider) and returns the user it is for. A disabled account gets none.</summary>
    public async Task<UserRow> RecordPasswordResetLinkAsync(Actor actor, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var operatorUser = await operators.RequireOperatorAsync(db, actor, ct);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct) ?? throw new NotFoundException("User not found.");
        if (user.IsDisabled) throw new DomainValidationException("UserId", "This account is disabled; enable it before issuing a reset link.");
        AuditLog.Record(db, clock, operatorUser, "user.password-reset-link", user.Email ?? user.Id, "");
        await db.SaveChangesAsync(ct);
        return ToRow(user);
    }

    private async Task<UserRow> ChangeAsync(Actor actor, string userId, string action, CancellationToken ct, Action<AppUser> change)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockAsync(db, actor.UserId, userId, ct);
        var operatorUser = await operators.RequireOperatorAsync(db, actor, ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct) ?? throw new NotFoundException("User not found.");
        var wasOperator = operators.IsOperator(user);
        change(user);
        if (wasOperator && !operators.IsOperator(user)
            && !await operators.EnabledOperators(db.Users).AnyAsync(u => u.Id != user.Id, ct))
            throw new DomainValidationException("UserId", "This is the last enabled operator; make someone else an operator first.");
        // Claims (operator) are rebuilt from the database on every request, so no sign-out is needed for them.
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        AuditLog.Record(db, clock, operatorUser, action, user.Email ?? user.Id, "");
        Changed.Stage(db, EntityOperation.Updated, user.Id, new EntityChangeOptions
        {
            Scope = EventScope.User(user.Id),
            Action = action["user.".Length..],
            Payload = new UserChange(user.Id, user.IsDisabled, operators.IsOperator(user)),
            Actor = actor,
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return ToRow(user);
    }

    /// <summary>Serialises changes that involve the same accounts, so two operators removing each other at the
    /// same moment cannot both succeed: the second waits, then finds it is no longer an operator. SQLite needs
    /// nothing (BEGIN IMMEDIATE serialises writers); on MariaDB this locking read comes first in the
    /// transaction, so the reads after it see what the other transaction committed.</summary>
    private static async Task LockAsync(AppDbContext db, string actorId, string userId, CancellationToken ct)
    {
        if (!db.Database.IsMySql()) return;
        await db.Database.SqlQuery<string>(
                $"SELECT `Id` AS `Value` FROM `AspNetUsers` WHERE `Id` IN ({actorId}, {userId}) ORDER BY `Id` FOR UPDATE")
            .ToListAsync(ct);
    }

    private UserRow ToRow(AppUser u) =>
        new(u.Id, u.Email ?? "", u.DisplayName, u.IsDisabled, operators.IsOperator(u), operators.IsConfigured(u.Email), u.CreatedAt);
}
