using App.Domain.Audit;
using App.Domain.Common;
using App.Domain.Console;
using App.Domain.Events;
using App.Domain.Projects;
using App.Domain.Users;
using App.UnitTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Persistence;

/// <summary>Operator console operations against SQLite and the real MariaDB (a database per test: "first user" matters).</summary>
public sealed class ConsoleTests
{
    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Operators_search_users_with_paging_and_literal_wildcards_and_others_are_refused(string provider)
    {
        await using var own = new DatabaseFixture();
        var services = await own.ServicesAsync(provider);
        var admin = await Accounts.RegisterAsync(services, "Admin");                 // first user: operator
        var tag = Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 5; i++) await Accounts.RegisterAsync(services, $"Pat {tag} {i}");
        var percent = await Accounts.RegisterAsync(services, $"100% {tag}");
        var users = services.GetRequiredService<UserAdministration>();

        var page1 = await users.SearchAsync(admin.Actor, "pat " + tag.ToUpperInvariant(), pageIndex: 0, pageSize: 2);
        var page3 = await users.SearchAsync(admin.Actor, "pat " + tag, pageIndex: 2, pageSize: 2);
        var literal = await users.SearchAsync(admin.Actor, "100%", 0, 50);
        var underscore = await users.SearchAsync(admin.Actor, "1_0", 0, 50);
        var clamped = await users.SearchAsync(admin.Actor, null, pageIndex: -3, pageSize: 10_000);

        Assert.Equal((5, 2), (page1.Total, page1.Items.Count));
        Assert.Single(page3.Items);
        Assert.Equal(percent.Actor.UserId, Assert.Single(literal.Items).Id);
        Assert.Empty(underscore.Items);
        Assert.Equal((0, Paging.MaxPageSize), (clamped.PageIndex, clamped.PageSize));
        await Assert.ThrowsAsync<AccessDeniedException>(() => users.SearchAsync(percent.Actor, null, 0, 10));
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Disabling_a_user_is_audited_published_to_them_and_closes_their_workspace(string provider)
    {
        await using var own = new DatabaseFixture();
        var services = await own.ServicesAsync(provider);
        var admin = await Accounts.RegisterAsync(services, "Admin");
        var bob = await Accounts.RegisterAsync(services, "Bob");
        var users = services.GetRequiredService<UserAdministration>();
        using var recorded = new RecordedEvents(services.GetRequiredService<IDomainEvents>());

        await Assert.ThrowsAsync<DomainValidationException>(() => users.SetDisabledAsync(admin.Actor, admin.Actor.UserId, true));
        var row = await users.SetDisabledAsync(admin.Actor, bob.Actor.UserId, true);
        await users.SetOperatorAsync(admin.Actor, bob.Actor.UserId, true);

        Assert.True(row.IsDisabled);
        var change = recorded.Changes(UserAdministration.ChangedEvent)[0];
        Assert.Equal((EventScope.User(bob.Actor.UserId), "disabled"), (change.Scope, change.Action));
        Assert.True(change.Payload.GetProperty("isDisabled").GetBoolean());
        // A disabled user's next action is refused, whatever page they still have open.
        await Assert.ThrowsAsync<AccessDeniedException>(() => services.GetRequiredService<ProjectService>().ListAsync(bob.Actor, bob.WorkspaceId));
        var audit = await services.GetRequiredService<AuditLog>().ListAsync(admin.Actor, "user.", 0, 10);
        Assert.Equal(["user.operator-granted", "user.disabled"], audit.Items.Select(a => a.Action));
        Assert.All(audit.Items, a => Assert.Equal(admin.Actor.UserId, a.ActorId));
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Pings_validate_their_target_before_sending_and_go_out_after_the_audit_commits(string provider)
    {
        await using var own = new DatabaseFixture();
        var services = await own.ServicesAsync(provider);
        var admin = await Accounts.RegisterAsync(services, "Admin");
        var pings = services.GetRequiredService<DemoPings>();
        var published = new List<RealtimeMessage>();
        using var _ = services.GetRequiredService<IDomainEvents>().Subscribe<RealtimeMessage>((m, _) =>
        {
            published.Add(m);
            return ValueTask.CompletedTask;
        });

        var scope = await pings.SendAsync(admin.Actor, PingAudience.Workspace, admin.Slug.ToUpperInvariant(), "hello");
        await Assert.ThrowsAsync<DomainValidationException>(() => pings.SendAsync(admin.Actor, PingAudience.User, "nobody@x.test", "hi"));
        await Assert.ThrowsAsync<DomainValidationException>(() => pings.SendAsync(admin.Actor, PingAudience.Global, null, "  "));
        await Assert.ThrowsAsync<DomainValidationException>(() => pings.SendAsync(admin.Actor, PingAudience.Global, null, new string('x', 201)));

        Assert.Equal(EventScope.Workspace(admin.WorkspaceId), scope);
        var ping = Assert.Single(published);
        Assert.Equal(("demo.ping", "hello"), (ping.Name, ping.Payload.GetProperty("message").GetString()));
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Operator_exports_are_audited_and_refused_to_others(string provider)
    {
        await using var own = new DatabaseFixture();
        var services = await own.ServicesAsync(provider);
        var admin = await Accounts.RegisterAsync(services, "Admin");
        var plain = await Accounts.RegisterAsync(services, "Plain");
        var exports = services.GetRequiredService<OperatorExports>();

        await exports.RecordAsync(admin.Actor, "workspace-statistics", "2 workspaces");
        await Assert.ThrowsAsync<AccessDeniedException>(() => exports.RecordAsync(plain.Actor, "workspace-statistics", "2 workspaces"));

        var audit = await services.GetRequiredService<AuditLog>().ListAsync(admin.Actor, "console.export", 0, 10);
        var entry = Assert.Single(audit.Items);
        Assert.Equal(("workspace-statistics", "2 workspaces", admin.Actor.UserId), (entry.Target, entry.Details, entry.ActorId));
    }

    [Theory, MemberData(nameof(DatabaseFixture.Providers), MemberType = typeof(DatabaseFixture))]
    public async Task Counts_show_users_disabled_users_and_enabled_operators_from_both_sources(string provider)
    {
        await using var own = new DatabaseFixture { OperatorEmails = ["root@example.test"] };
        var services = await own.ServicesAsync(provider);
        Actor root;
        await using (var scope = services.CreateAsyncScope())
        {
            var signedUp = await scope.ServiceProvider.GetRequiredService<PersonalSignUp>()
                .RegisterAsync(new SignUpRequest("Root@Example.test", Accounts.Password, "Root"));
            root = new Actor(signedUp.User!.Id);
        }
        var granted = await Accounts.RegisterAsync(services, "Granted");
        var disabled = await Accounts.RegisterAsync(services, "Disabled");
        await Accounts.RegisterAsync(services, "Plain");
        var users = services.GetRequiredService<UserAdministration>();
        await users.SetOperatorAsync(root, granted.Actor.UserId, true);
        await users.SetDisabledAsync(root, disabled.Actor.UserId, true);

        var counts = await services.GetRequiredService<ConsoleDirectory>().CountsAsync(root);

        Assert.Equal((4, 1, 2, 4), (counts.Users, counts.DisabledUsers, counts.Operators, counts.Workspaces));
        Assert.Equal(2, counts.AuditEntries);
        await Assert.ThrowsAsync<AccessDeniedException>(() => services.GetRequiredService<ConsoleDirectory>().CountsAsync(disabled.Actor));
    }
}
