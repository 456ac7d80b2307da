using App.Domain.Common;
using App.Domain.Users;
using Microsoft.Extensions.DependencyInjection;

namespace App.UnitTests.Infrastructure;

/// <summary>Registers users through the real sign-up path.</summary>
public static class Accounts
{
    public const string Password = "Passw0rd-long";

    public static async Task<(Actor Actor, string Slug, Guid WorkspaceId)> RegisterAsync(IServiceProvider services, string? name = null)
    {
        name ??= "User " + Guid.NewGuid().ToString("N")[..8];
        await using var scope = services.CreateAsyncScope();
        var signUp = scope.ServiceProvider.GetRequiredService<PersonalSignUp>();
        var result = await signUp.RegisterAsync(new SignUpRequest($"{Guid.NewGuid():N}@example.test", Password, name));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => $"{e.Field}: {e.Message}")));
        var workspaces = await services.GetRequiredService<App.Domain.Workspaces.WorkspaceDirectory>()
            .ListForUserAsync(result.User!.Id);
        return (new Actor(result.User.Id, "origin-" + result.User.Id[..6]), result.WorkspaceSlug!, workspaces.Single().Id);
    }
}
