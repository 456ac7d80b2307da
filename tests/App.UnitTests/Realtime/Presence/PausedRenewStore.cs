using App.Realtime.Presence;

namespace App.UnitTests.Realtime.Presence;

/// <summary>A store whose next heartbeat renew waits until the test lets it go: a heartbeat caught on its way.</summary>
internal sealed class PausedRenewStore(IPresenceStore inner) : IPresenceStore
{
    private int paused;

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<IReadOnlyCollection<string>> RenewAsync(IReadOnlyCollection<(string Topic, PresenceRow Row)> rows)
    {
        if (Interlocked.Exchange(ref paused, 1) == 0)
        {
            Entered.SetResult();
            await Release.Task;
        }
        return await inner.RenewAsync(rows);
    }

    public Task<PresenceState> PutAsync(string topic, PresenceRow row, DateTimeOffset now) => inner.PutAsync(topic, row, now);
    public Task<PresenceState?> RemoveAsync(string topic, string reference, DateTimeOffset now) => inner.RemoveAsync(topic, reference, now);
    public Task<PresenceState> ListAsync(string topic, DateTimeOffset now) => inner.ListAsync(topic, now);
    public Task<IReadOnlyList<PresenceState>> SweepAsync(DateTimeOffset now) => inner.SweepAsync(now);
}
