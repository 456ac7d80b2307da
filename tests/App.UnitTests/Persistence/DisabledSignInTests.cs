using App.Domain.Users;
using App.UnitTests.Infrastructure;
using App.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace App.UnitTests.Persistence;

/// <summary>Signing in to a disabled account tells nobody anything they could not learn from an active one: wrong
/// passwords fail plainly and count toward lockout; only the right password hears "disabled".</summary>
public sealed class DisabledSignInTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Only_the_right_password_learns_that_an_account_is_disabled(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var (_, victim) = await DisabledUserAsync(services);

        var wrong = await CheckAsync(services, victim, "Wrong-passw0rd");
        var right = await CheckAsync(services, victim, Accounts.Password);

        Assert.Equal(SignInResult.Failed, wrong);
        Assert.True(right.IsNotAllowed);
        Assert.False(right.Succeeded);
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Guessing_a_disabled_accounts_password_locks_it_like_any_other(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var (_, victim) = await DisabledUserAsync(services);

        var guesses = new List<SignInResult>();
        for (var i = 1; i <= AccountRules.MaxFailedSignIns; i++) guesses.Add(await CheckAsync(services, victim, $"Guess-{i}-wrong"));
        var rightButLocked = await CheckAsync(services, victim, Accounts.Password);

        Assert.All(guesses.SkipLast(1), g => Assert.Equal(SignInResult.Failed, g));
        Assert.True(guesses[^1].IsLockedOut);
        // Once locked, even the right password is not checked, so it cannot confirm a guess.
        Assert.True(rightButLocked.IsLockedOut);
        Assert.False(rightButLocked.IsNotAllowed);
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Re_enabling_an_account_lets_the_right_password_in(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var (admin, victim) = await DisabledUserAsync(services);
        await CheckAsync(services, victim, "Wrong-passw0rd");

        await services.GetRequiredService<UserAdministration>().SetDisabledAsync(admin, victim, false);

        Assert.True((await CheckAsync(services, victim, Accounts.Password)).Succeeded);
    }

    /// <summary>A fresh operator and a user they disabled (the fixture's database is shared, so the operator is
    /// granted directly rather than by being first).</summary>
    private static async Task<(App.Domain.Common.Actor Admin, string VictimId)> DisabledUserAsync(IServiceProvider services)
    {
        var admin = await Accounts.RegisterAsync(services, "Admin");
        var victim = await Accounts.RegisterAsync(services, "Victim");
        await using (var scope = services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var adminUser = (await users.FindByIdAsync(admin.Actor.UserId))!;
            adminUser.IsOperator = true;
            await users.UpdateAsync(adminUser);
        }
        await services.GetRequiredService<UserAdministration>().SetDisabledAsync(admin.Actor, victim.Actor.UserId, true);
        return (admin.Actor, victim.Actor.UserId);
    }

    private static async Task<SignInResult> CheckAsync(IServiceProvider services, string userId, string password)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>();
        var signIn = new AppSignInManager(users, new HttpContextAccessor(),
            new AppClaimsPrincipalFactory(users, options, scope.ServiceProvider.GetRequiredService<OperatorPolicy>()),
            options, NullLogger<SignInManager<AppUser>>.Instance,
            new AuthenticationSchemeProvider(Options.Create(new AuthenticationOptions())), new DefaultUserConfirmation<AppUser>());
        var user = (await users.FindByIdAsync(userId))!;
        return await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
    }
}
