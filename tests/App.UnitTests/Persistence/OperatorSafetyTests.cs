using App.Domain.Common;
using App.Domain.Persistence;
using App.Domain.Users;
using App.UnitTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Persistence;

/// <summary>The app never loses its operators: configured ones cannot be shut out from the console, and two
/// operators removing each other at once leave one of them in place. A database per test.</summary>
public sealed class OperatorSafetyTests
{
    private const string RootEmail = "root@example.test";

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task An_operator_from_OPERATOR_EMAILS_cannot_be_disabled_or_revoked(string provider)
    {
        await using var own = new DatabaseFixture { OperatorEmails = [RootEmail] };
        var services = await own.ServicesAsync(provider);
        var root = await RegisterAsync(services, RootEmail.ToUpperInvariant(), "Root");
        var helper = await Accounts.RegisterAsync(services, "Helper");
        var users = services.GetRequiredService<UserAdministration>();
        await users.SetOperatorAsync(new Actor(root.Id), helper.Actor.UserId, true);

        var disable = await Assert.ThrowsAsync<DomainValidationException>(() => users.SetDisabledAsync(helper.Actor, root.Id, true));
        var revoke = await Assert.ThrowsAsync<DomainValidationException>(() => users.SetOperatorAsync(helper.Actor, root.Id, false));

        Assert.Contains("OPERATOR_EMAILS", disable.Message);
        Assert.Contains("OPERATOR_EMAILS", revoke.Message);
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var stored = await db.Users.SingleAsync(u => u.Id == root.Id);
        Assert.False(stored.IsDisabled);
        Assert.Null(stored.LockoutEnd);
    }

    [Theory]
    [InlineData(DatabaseFixture.Sqlite, "revoke")]
    [InlineData(DatabaseFixture.MySql, "revoke")]
    [InlineData(DatabaseFixture.Sqlite, "disable")]
    [InlineData(DatabaseFixture.MySql, "disable")]
    public async Task Two_operators_removing_each_other_at_once_leave_one_operator(string provider, string how)
    {
        await using var own = new DatabaseFixture();
        var services = await own.ServicesAsync(provider);
        var ann = await Accounts.RegisterAsync(services, "Ann");               // first user: operator
        var ben = await Accounts.RegisterAsync(services, "Ben");
        var users = services.GetRequiredService<UserAdministration>();
        await users.SetOperatorAsync(ann.Actor, ben.Actor.UserId, true);

        Task<UserRow> Remove(Actor actor, string target) => Task.Run(() => how == "revoke"
            ? users.SetOperatorAsync(actor, target, false)
            : users.SetDisabledAsync(actor, target, true));
        var attempts = new[] { Remove(ann.Actor, ben.Actor.UserId), Remove(ben.Actor, ann.Actor.UserId) };
        try { await Task.WhenAll(attempts); } catch (DomainException) { }

        _ = Assert.Single(attempts, t => t.IsCompletedSuccessfully);
        var refused = Assert.Single(attempts, t => t.IsFaulted);
        Assert.IsType<AccessDeniedException>(refused.Exception!.InnerException);
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var policy = services.GetRequiredService<OperatorPolicy>();
        Assert.Equal(1, await policy.EnabledOperators(db.Users).CountAsync());
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Operators_are_counted_from_the_flag_and_from_OPERATOR_EMAILS_but_never_when_disabled(string provider)
    {
        await using var own = new DatabaseFixture { OperatorEmails = [RootEmail] };
        var services = await own.ServicesAsync(provider);
        var root = await RegisterAsync(services, RootEmail, "Root");
        var granted = await Accounts.RegisterAsync(services, "Granted");
        var disabled = await Accounts.RegisterAsync(services, "Disabled");
        await Accounts.RegisterAsync(services, "Plain");
        var users = services.GetRequiredService<UserAdministration>();
        await users.SetOperatorAsync(new Actor(root.Id), granted.Actor.UserId, true);
        await users.SetOperatorAsync(new Actor(root.Id), disabled.Actor.UserId, true);
        await users.SetDisabledAsync(new Actor(root.Id), disabled.Actor.UserId, true);

        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var ids = await services.GetRequiredService<OperatorPolicy>().EnabledOperators(db.Users).Select(u => u.Id).ToListAsync();
        Assert.Equal(new[] { root.Id, granted.Actor.UserId }.Order(), ids.Order());
    }

    private static async Task<AppUser> RegisterAsync(IServiceProvider services, string email, string name)
    {
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<PersonalSignUp>()
            .RegisterAsync(new SignUpRequest(email, Accounts.Password, name));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Message)));
        return result.User!;
    }
}
