namespace App.Realtime;

/// <summary>
/// The app's answer to "which topics may this user hear?", asked when a connection joins and again after an
/// outage, never per event. Every connection with a user also hears <see cref="RealtimeTopics.Global"/> and its own
/// <see cref="RealtimeTopics.User"/> topic; the resolver adds the rest (e.g. one <c>workspace:{id}</c> per
/// membership). Changes while connected are applied by <see cref="IRealtimeAudienceRule"/>s.
/// </summary>
public interface IRealtimeAudienceResolver
{
    Task<IReadOnlyList<string>> TopicsOfAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>The topics of each user that may still connect; a user left out (disabled, deleted) leaves every
    /// audience. Used to re-resolve everyone at once after a Redis outage.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> TopicsOfActiveUsersAsync(
        IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default);
}

/// <summary>The default when the app registers no resolver: users hear their own topic and the global one.</summary>
internal sealed class UserTopicsOnly : IRealtimeAudienceResolver
{
    public Task<IReadOnlyList<string>> TopicsOfAsync(string userId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> TopicsOfActiveUsersAsync(
        IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<string>>>(
            userIds.ToDictionary(u => u, _ => (IReadOnlyList<string>)[], StringComparer.Ordinal));
}

/// <summary>
/// An app rule that keeps the audience current from the events that change who may hear what (a membership
/// added or removed, a user disabled). <see cref="BeforeRouting"/> runs before the event is delivered (a new
/// member hears the event that added them); <see cref="AfterRouting"/> after it (a departing member is told, then
/// removed). Rules run under the publisher's ordering lock: keep them to audience changes.
/// </summary>
public interface IRealtimeAudienceRule
{
    void BeforeRouting(RealtimeEvent realtimeEvent, RealtimeAudience audience) { }

    void AfterRouting(RealtimeEvent realtimeEvent, RealtimeAudience audience) { }
}
