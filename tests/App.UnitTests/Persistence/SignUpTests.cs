using App.Domain.Persistence;
using App.Domain.Users;
using App.Domain.Workspaces;
using App.UnitTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Persistence;

/// <summary>Personal sign-up against SQLite and the real MariaDB.</summary>
public sealed class SignUpTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Registering_creates_the_user_and_an_owned_personal_workspace(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var (actor, slug, workspaceId) = await Accounts.RegisterAsync(services, "Zoë O'Brien " + Guid.NewGuid().ToString("N")[..4]);

        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var workspace = await db.Workspaces.Include(w => w.Members).SingleAsync(w => w.Id == workspaceId);
        Assert.Equal(WorkspaceKind.Personal, workspace.Kind);
        Assert.StartsWith("zoe-obrien-", slug);
        Assert.True(WorkspaceSlugs.IsWellFormed(slug));
        var member = Assert.Single(workspace.Members);
        Assert.Equal(actor.UserId, member.UserId);
        Assert.Equal(WorkspaceRole.Owner, member.Role);
        Assert.Equal(DateTimeKind.Utc, workspace.CreatedAt.Kind);
        Assert.True((DateTime.UtcNow - workspace.CreatedAt).Duration() < TimeSpan.FromMinutes(1));
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Colliding_names_get_distinct_slugs(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var name = "Same Name " + Guid.NewGuid().ToString("N")[..6];
        var first = await Accounts.RegisterAsync(services, name);
        var second = await Accounts.RegisterAsync(services, name);
        var third = await Accounts.RegisterAsync(services, name);
        Assert.Equal(WorkspaceSlugs.FromName(name), first.Slug);
        Assert.Equal(first.Slug + "-2", second.Slug);
        Assert.Equal(first.Slug + "-3", third.Slug);
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task A_duplicate_email_is_refused_and_leaves_no_workspace_behind(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var email = $"dup-{Guid.NewGuid():N}@example.test";
        var workspacesBefore = await CountWorkspacesAsync(services);

        var first = await RegisterAsync(services, email, Accounts.Password, "First");
        var second = await RegisterAsync(services, email.ToUpperInvariant(), Accounts.Password, "Second");

        Assert.True(first.Succeeded);
        Assert.False(second.Succeeded);
        var error = Assert.Single(second.Errors);
        Assert.Equal("Email", error.Field);
        Assert.Contains("already exists", error.Message);
        Assert.Equal(workspacesBefore + 1, await CountWorkspacesAsync(services));
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task A_weak_password_or_an_over_long_name_creates_nothing(string provider)
    {
        var services = await fixture.ServicesAsync(provider);
        var before = await CountWorkspacesAsync(services);

        var weak = await RegisterAsync(services, $"{Guid.NewGuid():N}@example.test", "short", "Weak");
        var longName = await RegisterAsync(services, $"{Guid.NewGuid():N}@example.test", Accounts.Password, new string('x', 101));

        Assert.Contains(weak.Errors, e => e.Field == "Password");
        Assert.Contains(longName.Errors, e => e.Field == "DisplayName" && e.Message.Contains("100"));
        Assert.Equal(before, await CountWorkspacesAsync(services));
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Only_the_first_user_becomes_an_operator_when_no_operator_emails_are_configured(string provider)
    {
        // A database of its own, so "first" is well defined.
        await using var own = new DatabaseFixture();
        var services = await own.ServicesAsync(provider);
        var first = await Accounts.RegisterAsync(services);
        var second = await Accounts.RegisterAsync(services);
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.True((await db.Users.SingleAsync(u => u.Id == first.Actor.UserId)).IsOperator);
        Assert.False((await db.Users.SingleAsync(u => u.Id == second.Actor.UserId)).IsOperator);
    }

    private static async Task<SignUpResult> RegisterAsync(IServiceProvider services, string email, string password, string name)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PersonalSignUp>().RegisterAsync(new SignUpRequest(email, password, name));
    }

    private static async Task<int> CountWorkspacesAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Workspaces.CountAsync();
    }
}
