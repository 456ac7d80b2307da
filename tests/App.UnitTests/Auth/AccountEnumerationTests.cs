using App.Domain.Users;
using App.UnitTests.Infrastructure;
using App.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace App.UnitTests.Auth;

/// <summary>Signing in tells nobody whether an email has an account: an unknown email costs the same password hash
/// (so it takes as long) and gets the same answers, up to and including the lockout.</summary>
public sealed class AccountEnumerationTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task The_sign_in_form_answers_an_unknown_email_as_it_answers_a_real_account(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var real = await EmailOfNewAccountAsync(services);
        var unknown = $"nobody-{Guid.NewGuid():N}@example.test";

        var realAnswers = new List<string>();
        var unknownAnswers = new List<string>();
        for (var attempt = 1; attempt <= AccountRules.MaxFailedSignIns + 1; attempt++)
        {
            realAnswers.Add((await SignInAsync(services, real, $"Guess-{attempt}-wrong")).Result.ToString());
            unknownAnswers.Add((await SignInAsync(services, unknown, $"Guess-{attempt}-wrong")).Result.ToString());
        }

        Assert.Equal(realAnswers, unknownAnswers);
        Assert.Equal(SignInResult.LockedOut.ToString(), realAnswers[^1]);
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task The_token_api_answers_an_unknown_email_as_it_answers_a_real_account(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var real = await EmailOfNewAccountAsync(services);
        var unknown = $"nobody-{Guid.NewGuid():N}@example.test";

        for (var attempt = 1; attempt <= AccountRules.MaxFailedSignIns + 1; attempt++)
        {
            var forReal = await CheckAsync(services, real, $"Guess-{attempt}-wrong");
            var forUnknown = await CheckAsync(services, unknown, $"Guess-{attempt}-wrong");
            Assert.Equal(forReal.Result.ToString(), forUnknown.Result.ToString());
        }
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Every_answer_costs_one_password_hash_whether_the_account_exists_or_is_locked(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var real = await EmailOfNewAccountAsync(services);

        var wrongForReal = await SignInAsync(services, real, "Wrong-passw0rd");
        var unknown = await SignInAsync(services, $"nobody-{Guid.NewGuid():N}@example.test", "Wrong-passw0rd");
        for (var i = 0; i < AccountRules.MaxFailedSignIns; i++) await SignInAsync(services, real, "Wrong-passw0rd");
        var locked = await SignInAsync(services, real, Accounts.Password);

        Assert.Equal(1, wrongForReal.Hashes);
        Assert.Equal(1, unknown.Hashes);
        Assert.True(locked.Result.IsLockedOut);
        Assert.Equal(1, locked.Hashes);
    }

    private static async Task<string> EmailOfNewAccountAsync(IServiceProvider services)
    {
        var (actor, _, _) = await Accounts.RegisterAsync(services);
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByIdAsync(actor.UserId))!.Email!;
    }

    private static Task<(SignInResult Result, int Hashes)> SignInAsync(IServiceProvider services, string email, string password) =>
        WithSignInAsync(services, s => s.PasswordSignInAsync(email, password, false, lockoutOnFailure: true));

    private static Task<(SignInResult Result, int Hashes)> CheckAsync(IServiceProvider services, string email, string password) =>
        WithSignInAsync(services, async s => (await s.CheckCredentialsAsync(email, password)).Result);

    /// <summary>A sign-in manager as the app builds it, over Identity's real hasher wrapped to count its work.</summary>
    private static async Task<(SignInResult, int)> WithSignInAsync(IServiceProvider services, Func<AppSignInManager, Task<SignInResult>> act)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var options = sp.GetRequiredService<IOptions<IdentityOptions>>();
        var hasher = new CountingHasher(sp.GetRequiredService<IPasswordHasher<AppUser>>());
        var users = new UserManager<AppUser>(sp.GetRequiredService<IUserStore<AppUser>>(), options, hasher,
            sp.GetServices<IUserValidator<AppUser>>(), sp.GetServices<IPasswordValidator<AppUser>>(),
            sp.GetRequiredService<ILookupNormalizer>(), new IdentityErrorDescriber(), sp, NullLogger<UserManager<AppUser>>.Instance);
        var signIn = new AppSignInManager(users, new HttpContextAccessor(),
            new AppClaimsPrincipalFactory(users, options, sp.GetRequiredService<OperatorPolicy>()),
            options, NullLogger<SignInManager<AppUser>>.Instance,
            new AuthenticationSchemeProvider(Options.Create(new AuthenticationOptions())), new DefaultUserConfirmation<AppUser>(),
            Attempts);
        var result = await act(signIn);
        return (result, hasher.Verifications);
    }

    // One per test run, as the app has one per process.
    private static readonly UnknownAccountAttempts Attempts = new(TimeProvider.System);

    private sealed class CountingHasher(IPasswordHasher<AppUser> inner) : IPasswordHasher<AppUser>
    {
        public int Verifications { get; private set; }

        public string HashPassword(AppUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            Verifications++;
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
