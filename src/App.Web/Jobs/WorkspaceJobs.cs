using System.Text;
using App.Domain.Common;
using App.Domain.Console;
using App.Domain.Projects;

namespace App.Web.Jobs;

/// <summary>The jobs people can start: a member exports their workspace's projects; an operator recomputes
/// statistics for every workspace. Both check access through the domain services, as pages do.</summary>
public sealed class WorkspaceJobs(JobRunner runner, ProjectService projects, ConsoleDirectory console, OperatorExports exports,
    JobStartLimits limits)
{
    /// <summary>Member job: the workspace's projects as CSV.</summary>
    public Task<Guid> ExportProjectsAsync(Actor actor, Guid workspaceId, string workspaceSlug)
    {
        limits.Check(actor.UserId, workspaceId);
        return runner.EnqueueAsync(actor.UserId, $"Export {workspaceSlug} projects", async job =>
        {
            await job.ReportAsync(5, "Loading projects...");
            var all = await projects.ListAsync(actor, workspaceId, job.CancellationToken);
            var csv = new StringBuilder(Csv.Line("Id", "Name", "Description", "Status", "Created (UTC)", "Updated (UTC)"));
            for (var i = 0; i < all.Count; i++)
            {
                var p = all[i];
                csv.Append(Csv.Line(p.Id, p.Name, p.Description, p.Status, p.CreatedAt, p.UpdatedAt));
                if (i % Math.Max(1, all.Count / 10) == 0) await job.ReportAsync(10 + 85 * (i + 1) / all.Count, $"Wrote {i + 1} of {all.Count} projects");
            }
            await job.ReportAsync(97, "Finishing...");
            return new JobOutput($"{workspaceSlug}-projects.csv", "text/csv", Csv.Utf8(csv));
        });
    }

    /// <summary>Operator job: members and projects per workspace, for every workspace, as CSV.</summary>
    public Task<Guid> RecomputeStatisticsAsync(Actor actor)
    {
        limits.Check(actor.UserId);
        return runner.EnqueueAsync(actor.UserId, "Workspace statistics", async job =>
        {
            await job.ReportAsync(2, "Counting workspaces...");
            var first = await console.SearchWorkspacesAsync(actor, null, 0, 50, job.CancellationToken);
            var pages = Math.Max(1, (first.Total + first.PageSize - 1) / first.PageSize);
            var csv = new StringBuilder(Csv.Line("Slug", "Name", "Owner", "Members", "Projects", "Created (UTC)"));
            var done = 0;
            for (var page = 0; page < pages; page++)
            {
                var batch = page == 0 ? first : await console.SearchWorkspacesAsync(actor, null, page, 50, job.CancellationToken);
                foreach (var w in batch.Items)
                {
                    csv.Append(Csv.Line(w.Slug, w.Name, w.OwnerEmail, w.Members, w.Projects, w.CreatedAt));
                    done++;
                }
                await job.ReportAsync(5 + 90 * done / Math.Max(1, first.Total), $"Processed {done} of {first.Total} workspaces");
            }
            await exports.RecordAsync(actor, "workspace-statistics", $"{done} workspaces", job.CancellationToken);
            return new JobOutput($"workspace-statistics-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv", "text/csv", Csv.Utf8(csv));
        });
    }
}
