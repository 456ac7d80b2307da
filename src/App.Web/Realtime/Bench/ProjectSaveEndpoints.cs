using App.Domain.Projects;
using App.Web.Auth;
using App.Web.Realtime.Clients;

namespace App.Web.Realtime.Bench;

/// <summary>
/// A hook for the durable-delivery run (tests/App.E2E/DurableDeliveryTests, REALTIME_BENCH_ENDPOINTS=true only, loopback
/// callers only): creates one project in a workspace (by id) of the token's user through the real domain service, so the save,
/// its outbox row and its event follow the path a user's save takes. Answers the project id once committed.
/// </summary>
public static class ProjectSaveEndpoints
{
    public sealed record SaveRequest(Guid WorkspaceId, string Name);

    /// <summary>Mapped by <see cref="BenchEndpoints.MapBenchEndpoints"/>, only when bench endpoints are on.</summary>
    internal static void MapProjectSaves(this WebApplication app)
    {
        app.MapPost("/api/bench/projects", async (SaveRequest request, HttpContext http, ProjectService projects) =>
            {
                // The service checks membership: a workspace the token's user is not in answers 404.
                var created = await projects.CreateAsync(http.User.ToActor(), request.WorkspaceId, new ProjectInput(request.Name, null));
                return Results.Ok(new { id = created.Id });
            })
            .DisableAntiforgery()
            .RequireAuthorization(RealtimePolicies.Client)
            .AddEndpointFilter(async (context, next) =>
                System.Net.IPAddress.IsLoopback(context.HttpContext.Connection.RemoteIpAddress!) ? await next(context) : Results.NotFound());
    }
}
