using App.Domain.Persistence;
using App.Domain.Users;
using App.Domain.Workspaces;
using App.UnitTests.Infrastructure;
using App.Web.Auth;
using Bunit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace App.UnitTests.Components;

/// <summary>Renders the static account forms (Register, Login, ChangePassword, Profile) with the real Identity
/// services on a SQLite database. There is no HTTP request behind them, so tests stop short of signing in
/// (which writes a cookie): that part is covered end to end in App.E2E.</summary>
public abstract class AccountPageTest(DatabaseFixture fixture) : MudComponentTest
{
    private AsyncServiceScope scope;

    protected IServiceProvider Domain { get; private set; } = default!;

    public async Task ArrangeAsync()
    {
        Domain = await fixture.ServicesAsync(DatabaseFixture.Sqlite);
        scope = Domain.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>();
        var signIn = new AppSignInManager(users, new HttpContextAccessor(),
            new AppClaimsPrincipalFactory(users, options, Domain.GetRequiredService<OperatorPolicy>()), options,
            NullLogger<SignInManager<AppUser>>.Instance,
            new AuthenticationSchemeProvider(Options.Create(new AuthenticationOptions())), new DefaultUserConfirmation<AppUser>());
        Context.Services.AddSingleton(users);
        Context.Services.AddSingleton<SignInManager<AppUser>>(signIn);
        Context.Services.AddSingleton(scope.ServiceProvider.GetRequiredService<PersonalSignUp>());
        Context.Services.AddSingleton(Domain.GetRequiredService<WorkspaceDirectory>());
        Context.Services.AddSingleton(Domain.GetRequiredService<App.Domain.Events.IDomainEvents>());
        Context.AddAuthorization();
        Context.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
    }

    /// <summary>Registers a user through the real sign-up; returns their id and email.</summary>
    protected async Task<(string Id, string Email)> RegisterAsync(string name)
    {
        var registered = await Accounts.RegisterAsync(Domain, name);
        await using var db = await Domain.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var user = await db.Users.SingleAsync(u => u.Id == registered.Actor.UserId);
        return (user.Id, user.Email!);
    }

    /// <summary>The validation messages shown next to the field whose input has this id.</summary>
    protected static IReadOnlyList<string> MessagesFor(IRenderedComponent<IComponent> cut, string inputId) =>
        cut.Find($"#{inputId}").Closest(".mud-input-control")!.QuerySelectorAll(".validation-message").Select(m => m.TextContent).ToList();

    protected static void Type(IRenderedComponent<IComponent> cut, string inputId, string value) => cut.Find($"#{inputId}").Change(value);

    protected static void Submit(IRenderedComponent<IComponent> cut) => cut.Find("form").Submit();

    /// <summary>A static form: posted to the server, each input named for the property it binds to. (EditForm adds
    /// the antiforgery token and handler name only inside a real request's form-mapping context, which bUnit does
    /// not have; App.E2E checks that a post without the token is refused.)</summary>
    protected static void AssertPostedForm(IRenderedComponent<IComponent> cut, params (string Id, string Name)[] fields)
    {
        Assert.Equal("post", cut.Find("form").GetAttribute("method"));
        foreach (var (id, name) in fields) Assert.Equal(name, cut.Find($"#{id}").GetAttribute("name"));
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await scope.DisposeAsync();
    }
}
