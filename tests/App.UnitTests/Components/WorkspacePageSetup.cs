using System.Security.Claims;
using App.Domain.Common;
using App.Domain.Console;
using App.Domain.Events;
using App.Domain.Projects;
using App.Domain.Users;
using App.Domain.Workspaces;
using App.UnitTests.Infrastructure;
using App.Web.Configuration;
using App.Web.Jobs;
using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.UnitTests.Components;

/// <summary>What the workspace pages' bUnit tests share: a workspace with an owner and a member in SQLite, and a
/// circuit for the member on the real realtime layer (hearing their workspaces).</summary>
internal static class WorkspacePageSetup
{
    public sealed record SharedWorkspace(IServiceProvider Services, Actor Operator, (string Slug, Guid WorkspaceId) Owner, Actor Member)
    {
        public required Actor OwnerActor { get; init; }
    }

    /// <summary>An operator, a workspace owner and a member of that workspace, in the SQLite database.</summary>
    public static async Task<SharedWorkspace> SharedWorkspaceAsync(DatabaseFixture fixture)
    {
        var services = await fixture.ServicesAsync(DatabaseFixture.Sqlite);
        var op = await Accounts.RegisterAsync(services, "Operator");
        var owner = await Accounts.RegisterAsync(services, "Owner");
        var member = await Accounts.RegisterAsync(services, "Member");
        await using (var scope = services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var opUser = (await users.FindByIdAsync(op.Actor.UserId))!;
            opUser.IsOperator = true;
            await users.UpdateAsync(opUser);
            var memberEmail = (await users.FindByIdAsync(member.Actor.UserId))!.Email!;
            await scope.ServiceProvider.GetRequiredService<IWorkspaceMembers>()
                .AddAsync(op.Actor, owner.WorkspaceId, memberEmail, WorkspaceRole.Member);
        }
        return new SharedWorkspace(services, op.Actor, (owner.Slug, owner.WorkspaceId), member.Actor) { OwnerActor = owner.Actor };
    }

    /// <summary>The pages' services from <paramref name="services"/>, and the member's circuit, open.</summary>
    public static async Task<LiveRealtime> ArrangeAsync(BunitContext context, IServiceProvider services, Actor member)
    {
        var realtime = LiveRealtime.AddWithWorkspaces(context);
        var projects = services.GetRequiredService<ProjectService>();
        var settings = AppConfiguration.Read(new ConfigurationBuilder().Build(),
            new HostingEnvironment { ContentRootPath = Path.GetTempPath(), EnvironmentName = "Test" });
        var runner = new JobRunner(services.GetRequiredService<IDomainEvents>(), new JobResults(TimeProvider.System), settings,
            NullLogger<JobRunner>.Instance);
        context.Services.AddSingleton(services.GetRequiredService<WorkspaceDirectory>());
        context.Services.AddSingleton(projects);
        context.Services.AddSingleton(services.GetRequiredService<App.Domain.Activity.WorkspaceActivity>());
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddSingleton(new WorkspaceJobs(runner, projects, services.GetRequiredService<ConsoleDirectory>(), services.GetRequiredService<OperatorExports>(), new JobStartLimits(settings)));
        realtime.Authorization.SetAuthorized("member");
        realtime.Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, member.UserId));
        await realtime.OpenAsync();
        context.Render<MudBlazor.MudPopoverProvider>();
        return realtime;
    }
}
