using App.Domain.Events;
using App.Domain.Projects;
using App.Web.Workspaces;
using Microsoft.Extensions.Time.Testing;

namespace App.UnitTests.Components;

public sealed class ProjectListTests
{
    private static ProjectDto Project(string name, int version = 1, DateTime? created = null, Guid? id = null) =>
        new(id ?? Guid.NewGuid(), Guid.Empty, name, "", ProjectStatus.Open, created ?? DateTime.UtcNow, DateTime.UtcNow, "u", version);

    [Fact]
    public void Changes_apply_newest_first_and_never_roll_a_row_back()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var list = new ProjectList(clock);
        var old = Project("old", created: DateTime.UtcNow.AddDays(-1));
        list.Load([old]);

        var fresh = Project("fresh");
        Assert.True(list.Apply(EntityOperation.Created, fresh));
        Assert.Equal(["fresh", "old"], list.Items.Select(p => p.Name));

        Assert.True(list.Apply(EntityOperation.Updated, old with { Name = "old v3", Version = 3 }));
        Assert.False(list.Apply(EntityOperation.Updated, old with { Name = "old v2 (late)", Version = 2 }));
        Assert.False(list.Apply(EntityOperation.Created, fresh)); // our own echo
        Assert.Equal("old v3", list.Items[1].Name);

        Assert.True(list.IsHighlighted(fresh.Id));
        clock.Advance(ProjectList.HighlightFor);
        Assert.False(list.IsHighlighted(fresh.Id));

        Assert.True(list.Apply(EntityOperation.Deleted, fresh));
        Assert.False(list.Apply(EntityOperation.Deleted, fresh));
        Assert.Equal(["old v3"], list.Items.Select(p => p.Name));
    }
}
