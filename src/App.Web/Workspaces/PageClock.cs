namespace App.Web.Workspaces;

/// <summary>The present for relative times on a page, advanced every <see cref="Interval"/> so "2 minutes ago" stays
/// true while the page is open. <see cref="Ticked"/> runs off the dispatcher: marshal with InvokeAsync.</summary>
public sealed class PageClock : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly TimeProvider time;
    private readonly ITimer timer;

    public PageClock(TimeProvider time, Action ticked)
    {
        this.time = time;
        Now = time.GetUtcNow().UtcDateTime;
        timer = time.CreateTimer(_ =>
        {
            Now = this.time.GetUtcNow().UtcDateTime;
            ticked();
        }, null, Interval, Interval);
    }

    public DateTime Now { get; private set; }

    /// <summary>Brings <see cref="Now"/> up to date at once (after a change arrives, so it never reads "in 3 seconds").</summary>
    public void Refresh() => Now = time.GetUtcNow().UtcDateTime;

    public void Dispose() => timer.Dispose();
}
