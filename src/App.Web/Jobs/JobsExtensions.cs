using App.Web.Auth;
using App.Web.Realtime.Clients;

namespace App.Web.Jobs;

public static class JobsExtensions
{
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddSingleton<JobResults>();
        services.AddSingleton<JobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());
        services.AddSingleton<WorkspaceJobs>();
        return services;
    }

    /// <summary><c>GET /api/jobs/{id}/result</c> (owner only; others get 404) and <c>POST /api/jobs/{id}/cancel</c>.</summary>
    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/jobs/{id:guid}/result", (Guid id, HttpContext http, JobResults results) =>
            results.Get(id, http.User.Id() ?? "") is { } output
                ? Results.File(output.Content, output.ContentType, output.FileName)
                : Results.NotFound()).RequireAuthorization(RealtimePolicies.Client);
        app.MapPost("/api/jobs/{id:guid}/cancel", (Guid id, HttpContext http, JobRunner runner) =>
            runner.Cancel(id, http.User.Id() ?? "") ? Results.Accepted() : Results.NotFound())
            .RequireAuthorization(RealtimePolicies.Client).DisableAntiforgery();
        return app;
    }
}
