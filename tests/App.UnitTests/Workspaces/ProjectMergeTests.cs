using App.Domain.Projects;

namespace App.UnitTests.Workspaces;

public sealed class ProjectMergeTests
{
    private static readonly ProjectFields Base = new("Apollo", "Moon");

    [Theory]
    [InlineData("Apollo", "Moon landing", "Apollo 11", "Moon", "Apollo 11", "Moon landing", "")]        // different fields
    [InlineData("Apollo 11", "Moon", "Apollo 11", "Moon", "Apollo 11", "Moon", "")]                    // same change
    [InlineData("Artemis", "Moon", "Apollo 11", "Moon", "Artemis", "Moon", "name")]                   // same field
    [InlineData("Artemis", "Mars", "Apollo 11", "Venus", "Artemis", "Mars", "name,description")]
    [InlineData("Apollo", "Moon", "Apollo 11", "Sun", "Apollo 11", "Sun", "")]                         // I changed nothing
    public void Fields_changed_on_one_side_merge_and_fields_changed_on_both_conflict_keeping_mine(
        string myName, string myDescription, string theirName, string theirDescription, string name, string description, string conflicts)
    {
        var result = ProjectMerge.Merge(Base, new(myName, myDescription), new(theirName, theirDescription));
        Assert.Equal(new ProjectFields(name, description), result.Merged);
        Assert.Equal(conflicts, string.Join(",", result.Conflicts));
    }

    [Fact]
    public void A_change_is_described_for_people() =>
        Assert.Equal("name Apollo -> Apollo 11; description changed", ProjectMerge.Describe(Base, new("Apollo 11", "Sun")));
}
