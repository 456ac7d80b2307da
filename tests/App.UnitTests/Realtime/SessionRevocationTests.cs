using App.Domain.Events;
using App.Domain.Users;
using App.Realtime;
using App.Web.Auth;

namespace App.UnitTests.Realtime;

/// <summary>Sign-out, a password change and a role change end a user's connections that were opened before the
/// change (after they hear the event); later connections and other users' stay.</summary>
public sealed class SessionRevocationTests
{
    [Fact]
    public void RevokeUser_ends_the_user_s_connections_that_joined_before_the_change_only()
    {
        var audience = new RealtimeAudience();
        var before = new RecordingConnection("before");
        var other = new RecordingConnection("other user");
        audience.Register(before, "u", ["workspace:1"]);
        audience.Register(other, "v", ["workspace:1"]);
        Thread.Sleep(5);
        var change = DateTimeOffset.UtcNow;
        Thread.Sleep(5);
        var after = new RecordingConnection("after");
        audience.Register(after, "u", ["workspace:1"]);

        Assert.Equal(1, audience.RevokeUser("u", change));

        Assert.True(before.Revoked);
        Assert.False(audience.IsRegistered(before));
        Assert.False(after.Revoked);
        Assert.False(other.Revoked);
        Assert.Equal([other, after], audience.Of("workspace:1").OrderBy(c => c.ConnectionId == "after"));
    }

    [Theory]
    [InlineData("signed-out")]
    [InlineData("password-changed")]
    public async Task Ending_the_sessions_revokes_every_connection_of_the_user_after_it_hears_the_event(string reason)
    {
        await using var harness = new RealtimeHarness();
        var workspace = Guid.NewGuid();
        var connection = new RecordingConnection("hub");
        var other = new RecordingConnection("other");
        harness.Audience.Register(connection, "u", [workspace]);
        harness.Audience.Register(other, "v", [workspace]);

        await SessionsEnded.PublishAsync(harness.Bus, "u", reason);
        await harness.PublishAsync("tests.after.event", EventScope.Workspace(workspace));

        Assert.Equal([SessionsEnded.EventName], connection.Received.Select(e => e.Name));
        Assert.True(connection.Revoked);
        Assert.False(other.Revoked);
        Assert.Contains(other.Received, e => e.Name == "tests.after.event");
    }

    [Fact]
    public async Task A_role_change_revokes_the_connections_opened_before_it()
    {
        await using var harness = new RealtimeHarness();
        var connection = new RecordingConnection("sse");
        harness.Audience.Register(connection, "u", []);

        await harness.Bus.PublishAsync(EntityChangePublisher.Create("users", "user", UserAdministration.ChangedEvent, "tests.users")
            .Prepare(EntityOperation.Updated, "u", new() { Scope = EventScope.User("u"), Action = "operator-revoked", Payload = new UserChange("u", false, false) }));

        Assert.True(connection.Revoked);
        Assert.Equal(0, harness.Audience.ConnectionCount);
    }

    [Fact]
    public async Task A_change_published_long_ago_leaves_connections_opened_since()
    {
        await using var harness = new RealtimeHarness();
        var connection = new RecordingConnection("hub");
        harness.Audience.Register(connection, "u", []);

        // Relayed late (e.g. from another instance after a Redis hiccup): this connection was opened with the new credentials.
        await harness.Bus.PublishAsync(RealtimeMessage.Create(SessionsEnded.EventName, EventScope.User("u"), new { reason = "signed-out" }, "u")
            with { OccurredAt = DateTimeOffset.UtcNow.AddMinutes(-1) });

        Assert.False(connection.Revoked);
        Assert.Equal(1, harness.Audience.ConnectionCount);
    }
}
