using App.Domain.Persistence;
using App.Domain.Users;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using MudBlazor;
using App.Web.Shell;

namespace App.Web.Auth;

public static class AuthExtensions
{
    /// <summary>Identity accounts on the app database, cookie sign-in that flows into circuits, the operator
    /// policy and the user menu placement.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<UnknownAccountAttempts>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, AppAuthenticationStateProvider>();
        services.AddSingleton<PasswordResetLinks>();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/Account/Login";
            o.LogoutPath = "/Account/Logout";
            o.AccessDeniedPath = "/status/403";
            o.Cookie.Name = "app.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = ctx => Challenge(ctx, StatusCodes.Status401Unauthorized);
            // Signing in on the login page redirects to its ReturnUrl query value, decoded: "/w/café" as is cannot be
            // a Location header (Kestrel throws, a 500). Only what SafeReturnUrl keeps, percent-encoded; else the page decides.
            o.Events.OnRedirectToReturnUrl = ctx =>
            {
                if (CurrentUser.SafeReturnUrl(ctx.RedirectUri, fallback: "") is { Length: > 0 } target) ctx.Response.Redirect(target);
                return Task.CompletedTask;
            };
            // The stamp check below queries the database; static files do not need it (see StaticAssetRequests).
            o.Events.OnValidatePrincipal = async ctx =>
            {
                if (StaticAssetRequests.Is(ctx.HttpContext)) return;
                await SecurityStampValidator.ValidatePrincipalAsync(ctx);
                SessionExpiry.Stamp(ctx, DateTimeOffset.UtcNow);
            };
            o.Events.OnRedirectToAccessDenied = ctx =>
            {
                // A real 403 (rendered by the status page), never a redirect that hides it.
                ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        services.AddOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<App.Web.Configuration.AppSettings>((o, settings) => o.ExpireTimeSpan = settings.SessionLifetime);
        // Check the security stamp on every request but static files: a disabled or signed-out user's next page,
        // API or hub request is refused.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);
        services.AddIdentityCore<AppUser>(AccountRules.Configure)
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager<AppSignInManager>()
            .AddClaimsPrincipalFactory<AppClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Operator, p => p.RequireAuthenticatedUser().RequireClaim(AppClaims.Operator, "true"));

        services.AddComponentToken<UserMenu>("auth.web.user-menu");
        services.AddPlacements("Auth",
            new PlacementEntry
            {
                Id = "auth.user-menu", Target = "shell.user-menu", Order = 1000, ComponentToken = "auth.web.user-menu",
            },
            new PlacementEntry
            {
                Id = "auth.nav.profile", Target = "shell.secondary-nav", Kind = PlacementKind.Link, Order = 900,
                Surfaces = ["account"], Text = "Profile", Href = "/Account/Manage", Icon = Icons.Material.Filled.Person,
                When = c => c.IsAuthenticated,
            },
            new PlacementEntry
            {
                Id = "auth.nav.password", Target = "shell.secondary-nav", Kind = PlacementKind.Link, Order = 910,
                Surfaces = ["account"], Text = "Change password", Href = "/Account/Manage/ChangePassword",
                Icon = Icons.Material.Filled.Password, When = c => c.IsAuthenticated,
            });
        return services;
    }

    /// <summary>POST /Account/Logout (antiforgery-checked: the form field is bound). Signing out ends every session
    /// of the account: the security stamp changes (other tabs and devices, and realtime tokens, stop working) and
    /// the user's open circuits are told, so none keeps showing data after sign-out.</summary>
    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        app.MapPost("/Account/Logout", async ([Microsoft.AspNetCore.Mvc.FromForm(Name = "ReturnUrl")] string? returnUrl,
            HttpContext context, SignInManager<AppUser> signIn, UserManager<AppUser> users, App.Domain.Events.IDomainEvents events) =>
        {
            var user = await users.GetUserAsync(context.User);
            await signIn.SignOutAsync();
            if (user is not null)
            {
                await users.UpdateSecurityStampAsync(user);
                await SessionsEnded.PublishAsync(events, user.Id, "signed-out");
            }
            return TypedResults.LocalRedirect(CurrentUser.SafeReturnUrl(returnUrl));
        });
        return app;
    }

    private static Task Challenge(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int apiStatus)
    {
        // APIs and hubs answer 401; pages redirect to the sign-in form and back.
        var path = ctx.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs"))
        {
            ctx.Response.StatusCode = apiStatus;
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}
