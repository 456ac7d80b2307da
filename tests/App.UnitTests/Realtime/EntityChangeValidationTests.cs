using App.Domain.Common;
using App.Domain.Events;

namespace App.UnitTests.Realtime;

public sealed class EntityChangeValidationTests
{
    private static readonly EntityChangePublisher Publisher =
        EntityChangePublisher.Create("projects", "project", "projects.project.changed", "projects.service");

    private static EntityChangeOptions Options(EventScope? scope = null) => new() { Scope = scope ?? EventScope.Workspace(Guid.NewGuid()) };

    [Theory]
    [InlineData("Projects", "project", "projects.project.changed", "projects.service", "source")]
    [InlineData("projects", "", "projects.project.changed", "projects.service", "entity")]
    [InlineData("projects", "project", "changed", "projects.service", "realtime event")]
    [InlineData("projects", "project", "projects.Project.changed", "projects.service", "realtime event")]
    [InlineData("projects", "project", "projects.project.changed", "", "service token")]
    public void Bad_static_parts_fail_when_the_publisher_is_created(string source, string entity, string realtimeEvent, string token, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => EntityChangePublisher.Create(source, entity, realtimeEvent, token));
        Assert.Contains(named, error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(-1)]
    public void Only_created_updated_and_deleted_are_operations(int operation)
    {
        var error = Assert.Throws<ArgumentException>(() => Publisher.Prepare((EntityOperation)operation, "id", Options()));
        Assert.Contains("Created, Updated or Deleted", error.Message);
        Assert.Contains("Action", error.Message);
    }

    [Fact]
    public void Every_dynamic_part_is_checked()
    {
        Assert.Contains("entity id", Assert.Throws<ArgumentException>(() => Publisher.Prepare(EntityOperation.Updated, " ", Options())).Message);
        Assert.Contains("known scope", Assert.Throws<ArgumentException>(() => Publisher.Prepare(EntityOperation.Updated, "id", Options(default(EventScope)))).Message);
        Assert.Contains("action", Assert.Throws<ArgumentException>(() => Publisher.Prepare(EntityOperation.Updated, "id", Options() with { Action = "Closed Now" })).Message);
        Assert.Contains("reason", Assert.Throws<ArgumentException>(() => Publisher.Prepare(EntityOperation.Updated, "id", Options() with { Reason = new string('r', 501) })).Message);
        Assert.Contains("limit", Assert.Throws<ArgumentException>(() => Publisher.Prepare(EntityOperation.Updated, "id", Options() with { Payload = new { Blob = new string('x', 20_000) } })).Message);
    }

    [Fact]
    public void A_valid_change_carries_action_reason_actor_and_a_payload_snapshot()
    {
        var workspace = Guid.NewGuid();
        var payload = new Mutable { Name = "before" };
        var change = Publisher.Prepare(EntityOperation.Updated, "p1", new EntityChangeOptions
        {
            Scope = EventScope.Workspace(workspace), Action = "runtime-closed", Reason = "done", Payload = payload,
            Actor = new Actor("user-1", "circuit-9"),
        });
        payload.Name = "after";

        Assert.Equal("projects.project.changed", change.Name);
        Assert.Equal(EventScope.Workspace(workspace), change.Scope);
        Assert.Equal(("runtime-closed", "done", "user-1", "circuit-9"), (change.Action, change.Reason, change.ActorId, change.OriginId));
        Assert.Equal("before", change.Payload.GetProperty("name").GetString());
        Assert.Equal(nameof(A_valid_change_carries_action_reason_actor_and_a_payload_snapshot), change.Method);
    }

    [Theory]
    [InlineData("global", "global")]
    [InlineData("user:abc", "user:abc")]
    [InlineData("workspace:6f9619ff-8b86-d011-b42d-00cf4fc964ff", "workspace:6f9619ff-8b86-d011-b42d-00cf4fc964ff")]
    [InlineData("workspace:not-a-guid", "unknown")]
    [InlineData("workspace:00000000-0000-0000-0000-000000000000", "unknown")]
    [InlineData("team:1", "unknown")]
    [InlineData("", "unknown")]
    [InlineData(null, "unknown")]
    public void Scopes_from_outside_parse_or_are_unknown(string? key, string expected) =>
        Assert.Equal(expected, EventScope.Parse(key).Key);

    private sealed class Mutable
    {
        public string Name { get; set; } = "";
    }
}
