using System.Security.Claims;
using App.Domain.Events;
using App.Realtime;
using App.UnitTests.Infrastructure;
using App.Web.Configuration;
using App.Web.Jobs;
using Bunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace App.UnitTests.Components;

/// <summary>The job panel on the real realtime layer: progress for its job only, and a missed-events notice
/// (which used to bypass every filter) never wipes what it shows.</summary>
public sealed class JobProgressPanelTests : MudComponentTest
{
    private const string UserId = "job-owner";
    private readonly Guid jobId = Guid.NewGuid();

    private async Task<(LiveRealtime Realtime, IRenderedComponent<JobProgressPanel> Panel)> RenderAsync()
    {
        var realtime = LiveRealtime.AddTo(Context);
        var settings = AppConfiguration.Read(new ConfigurationBuilder().Build(),
            new HostingEnvironment { ContentRootPath = Path.GetTempPath(), EnvironmentName = "Test" });
        Context.Services.AddSingleton(new JobRunner(new DomainEventBus(), new JobResults(TimeProvider.System), settings, NullLogger<JobRunner>.Instance));
        realtime.Authorization.SetAuthorized("owner");
        realtime.Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, UserId));
        await realtime.OpenAsync();
        Context.Render<MudBlazor.MudPopoverProvider>();
        return (realtime, Context.Render<JobProgressPanel>(p => p.Add(x => x.JobId, jobId)));
    }

    private void PublishProgress(LiveRealtime realtime, Guid job, int percent, string message) =>
        realtime.Publish(JobProgress.Event, new JobProgress(job, "Export projects", JobState.Running, percent, message, null),
            RealtimeTopics.User(UserId));

    [Fact]
    public async Task A_missed_events_notice_keeps_the_jobs_progress_on_screen()
    {
        var (realtime, panel) = await RenderAsync();
        PublishProgress(realtime, jobId, 40, "Row 4 of 10");
        panel.WaitForAssertion(() => Assert.Contains("40% - Row 4 of 10", panel.Find(".job-message").TextContent));

        realtime.NotifyMissed();
        await Task.Delay(200);

        Assert.Contains("Export projects", panel.Markup);
        Assert.Contains("40% - Row 4 of 10", panel.Find(".job-message").TextContent);
    }

    [Fact]
    public async Task Another_jobs_progress_is_ignored()
    {
        var (realtime, panel) = await RenderAsync();
        PublishProgress(realtime, Guid.NewGuid(), 90, "someone else's");
        PublishProgress(realtime, jobId, 10, "mine");

        panel.WaitForAssertion(() => Assert.Contains("10% - mine", panel.Find(".job-message").TextContent));
    }
}
