using App.Realtime.Presence;

namespace App.UnitTests.Realtime.Presence;

/// <summary>Presence whose first track waits until the test lets it go: a join caught on its way to the store.</summary>
internal sealed class PausedTrackPresence(IPresence inner) : IPresence
{
    private int paused;

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set once the held join is in the store.</summary>
    public TaskCompletionSource Landed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<IPresenceTracking> TrackAsync(string topic, string key, PresenceMeta meta, string connectionId)
    {
        if (Interlocked.Exchange(ref paused, 1) != 0) return await inner.TrackAsync(topic, key, meta, connectionId);
        Entered.SetResult();
        await Release.Task;
        var tracking = await inner.TrackAsync(topic, key, meta, connectionId);
        Landed.SetResult();
        return tracking;
    }

    public Task<PresenceState> ListAsync(string topic) => inner.ListAsync(topic);
}
