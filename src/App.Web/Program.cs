using App.Web.Auth;
using App.Web.Components;
using App.Web.Configuration;
using App.Web.Errors;
using App.Web.Console;
using App.Web.Health;
using App.Web.Jobs;
using App.Web.Observability;
using App.Web.Persistence;
using App.Web.RateLimiting;
using App.Web.Realtime;
using App.Web.Realtime.Bench;
using App.Web.Shell;
using App.Web.Workspaces;
using MudBlazor.Services;

// Composition only: each feature registers itself with one AddX() and maps its endpoints with one MapX().
try
{
    AppConfiguration.LoadDotEnv();
    var builder = WebApplication.CreateBuilder(args);
    var settings = builder.AddAppSettings();
    builder.RequireFreeListenPorts();

    builder.Services.AddRazorComponents().AddInteractiveServerComponents();
    builder.Services.AddMudServices();
    builder.Services
        .AddPersistence(settings)
        .AddAppHealth()
        .AddShell()
        .AddAccounts()
        .AddAppRealtime(settings)
        .AddWorkspaces()
        .AddConsole()
        .AddJobs()
        .AddRateLimits(settings)
        .AddObservability(settings);

    var app = builder.Build();
    app.ValidateShell();
    if (MigrateCommand.IsRequested(args)) return await app.RunMigrateCommandAsync();
    await app.PrepareDatabaseAsync();

    if (!app.Environment.IsDevelopment()) app.UseErrorResponses();
    app.UseAppStatusPages();
    // Explicit, so 401/403 from authorization get a status page body too.
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseRateLimits();
    app.UseAntiforgery();
    app.MapStaticAssets();
    app.MapAppHealth();
    app.MapObservability();
    app.MapAccounts();
    app.MapShell();
    app.MapAppRealtime();
    app.MapJobs();
    app.MapBenchEndpoints();
    app.MapRazorComponents<HostPage>().AddInteractiveServerRenderMode();

    await app.RunAsync();
    return 0;
}
catch (StartupException ex)
{
    Console.Error.WriteLine($"startup failed: {ex.Message}");
    return 2;
}
catch (Exception ex) when (StartupFailure.IsEnvironmental(ex))
{
    // A port in use, an unwritable data folder: still one readable line rather than a stack trace.
    Console.Error.WriteLine($"startup failed: {StartupFailure.Describe(ex)}");
    return 1;
}
