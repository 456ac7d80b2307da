using App.Web.Configuration;
using App.Web.Jobs;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Configuration;

namespace App.UnitTests.Jobs;

/// <summary>Job starts are limited per person and per workspace, with a message saying when to try again.</summary>
public sealed class JobStartLimitsTests
{
    [Fact]
    public void A_person_who_started_too_many_jobs_is_told_when_to_try_again()
    {
        using var limits = new JobStartLimits(Settings(("RATE_LIMIT_JOB_STARTS_PER_USER", "2/1m")));

        limits.Check("ann", Guid.NewGuid());
        limits.Check("ann", Guid.NewGuid());
        var refused = Assert.Throws<JobRateLimitedException>(() => limits.Check("ann", Guid.NewGuid()));
        limits.Check("bob", Guid.NewGuid()); // others are not affected

        Assert.StartsWith("You started too many jobs in a short time: try again in", refused.Message);
        Assert.InRange(refused.RetryAfterSeconds, 1, 60);
    }

    [Fact]
    public void A_workspace_whose_members_started_too_many_jobs_is_limited_as_a_whole()
    {
        using var limits = new JobStartLimits(Settings(("RATE_LIMIT_JOB_STARTS_PER_WORKSPACE", "2/1h")));
        var workspace = Guid.NewGuid();

        limits.Check("ann", workspace);
        limits.Check("bob", workspace);
        var refused = Assert.Throws<JobRateLimitedException>(() => limits.Check("cid", workspace));
        limits.Check("cid", Guid.NewGuid());

        Assert.StartsWith("This workspace started too many jobs", refused.Message);
        Assert.InRange(refused.RetryAfterSeconds, 3000, 3600);
    }

    private static AppSettings Settings(params (string Key, string Value)[] values) =>
        AppConfiguration.Read(new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build(),
            new HostingEnvironment { ContentRootPath = Path.GetTempPath(), EnvironmentName = "Test" });
}
