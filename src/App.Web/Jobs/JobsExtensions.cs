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
        services.AddSingleton<JobStartLimits>();
        services.AddSingleton<WorkspaceJobs>();
        return services;
    }

    /// <summary><c>GET /api/jobs/{id}/result</c> (owner only; others get 404) and <c>POST /api/jobs/{id}/cancel</c>:
    /// 200 with the Cancelled state (it had not started), 202 with the current state (running, asked to stop), 409
    /// with the final state (already finished: nothing changed), 404 (not the caller's job, or forgotten).</summary>
    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/jobs/{id:guid}/result", (Guid id, HttpContext http, JobResults results) =>
            results.Get(id, http.User.Id() ?? "") is { } output
                ? Results.File(output.Content, output.ContentType, output.FileName)
                : Results.NotFound()).RequireAuthorization(RealtimePolicies.Client);
        app.MapPost("/api/jobs/{id:guid}/cancel", async (Guid id, HttpContext http, JobRunner runner) =>
            await runner.CancelAsync(id, http.User.Id() ?? "") switch
            {
                { Outcome: JobCancelOutcome.Cancelled, Progress: var p } => Results.Ok(p),
                { Outcome: JobCancelOutcome.Cancelling, Progress: var p } => Results.Accepted(value: p),
                // Nothing to cancel any more: 409 says so, with the final state the client should show.
                { Outcome: JobCancelOutcome.AlreadyFinished, Progress: var p } => Results.Problem(
                    $"The job already finished ({p!.State}).", statusCode: StatusCodes.Status409Conflict,
                    extensions: new Dictionary<string, object?> { ["state"] = p.State.ToString(), ["progress"] = p }),
                _ => Results.NotFound(),
            })
            .RequireAuthorization(RealtimePolicies.Client).DisableAntiforgery();
        return app;
    }
}
