using App.Domain.Persistence;
using App.Domain.Users;
using App.Domain.Workspaces;
using App.UnitTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Persistence;

/// <summary>Sign-ups that arrive at the same moment, and failures in the middle of one, on SQLite and MariaDB.</summary>
public sealed class SignUpRaceTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Simultaneous_sign_ups_with_one_name_all_succeed_with_distinct_slugs(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var name = "Rush " + Guid.NewGuid().ToString("N")[..6];

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            Task.Run(() => RegisterAsync(services, $"{Guid.NewGuid():N}@example.test", name))));

        Assert.All(results, r => Assert.True(r.Succeeded, string.Join("; ", r.Errors.Select(e => e.Message))));
        var slug = WorkspaceSlugs.FromName(name);
        Assert.Equal(new[] { slug, slug + "-2", slug + "-3", slug + "-4", slug + "-5" }.Order(),
            results.Select(r => r.WorkspaceSlug!).Order());
        await using var db = await DbAsync(services);
        foreach (var result in results)
            Assert.Equal(1, await db.WorkspaceMemberships.CountAsync(m => m.UserId == result.User!.Id));
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Simultaneous_sign_ups_with_one_email_give_one_account_and_a_clear_error(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var email = $"twice-{Guid.NewGuid():N}@example.test";

        var results = await Task.WhenAll(
            Task.Run(() => RegisterAsync(services, email, "Twice One")),
            Task.Run(() => RegisterAsync(services, email.ToUpperInvariant(), "Twice Two")));

        Assert.Single(results, r => r.Succeeded);
        var refused = Assert.Single(results, r => !r.Succeeded);
        var error = Assert.Single(refused.Errors);
        Assert.Equal(("Email", "An account with this email already exists."), (error.Field, error.Message));
        await using var db = await DbAsync(services);
        var user = await db.Users.SingleAsync(u => u.NormalizedEmail == email.ToUpperInvariant());
        Assert.Equal(1, await db.Workspaces.CountAsync(w => w.OwnerId == user.Id));
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task A_failure_after_the_user_row_is_written_leaves_no_user_behind(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        await using (var db = await DbAsync(services))
        {
            // The workspace insert (after the user insert, in the same transaction) fails for this one name.
            await db.Database.ExecuteSqlRawAsync(provider == DatabaseFixture.Sqlite
                ? "CREATE TRIGGER IF NOT EXISTS fail_workspace BEFORE INSERT ON Workspaces WHEN NEW.Name = 'Doomed Name' " +
                  "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;"
                : "CREATE TRIGGER fail_workspace BEFORE INSERT ON Workspaces FOR EACH ROW BEGIN " +
                  "IF NEW.Name = 'Doomed Name' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'simulated failure'; END IF; END");
        }
        var email = $"doomed-{Guid.NewGuid():N}@example.test";

        await Assert.ThrowsAnyAsync<DbUpdateException>(() => RegisterAsync(services, email, "Doomed Name"));

        await using (var db = await DbAsync(services))
            Assert.False(await db.Users.AnyAsync(u => u.NormalizedEmail == email.ToUpperInvariant()));
        // Nothing half-created: the same email can register afterwards.
        Assert.True((await RegisterAsync(services, email, "Recovered Name")).Succeeded);
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Simultaneous_first_sign_ups_make_exactly_one_operator(string provider)
    {
        await using var own = new DatabaseFixture();
        var services = await own.ServicesAsync(provider);

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
            Task.Run(() => RegisterAsync(services, $"first-{i}-{Guid.NewGuid():N}@example.test", $"First {i}"))));

        Assert.All(results, r => Assert.True(r.Succeeded, string.Join("; ", r.Errors.Select(e => e.Message))));
        await using var db = await DbAsync(services);
        Assert.Equal(3, await db.Users.CountAsync());
        Assert.Equal(1, await db.Users.CountAsync(u => u.IsOperator));
    }

    private static async Task<SignUpResult> RegisterAsync(IServiceProvider services, string email, string name)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PersonalSignUp>()
            .RegisterAsync(new SignUpRequest(email, Accounts.Password, name));
    }

    private static Task<AppDbContext> DbAsync(IServiceProvider services) =>
        services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
}
