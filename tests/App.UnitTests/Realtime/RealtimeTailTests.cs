using App.Domain.Events;
using App.Realtime;
using App.Realtime.Circuits;
using App.Web.Realtime;

namespace App.UnitTests.Realtime;

public sealed class RealtimeTailTests
{
    [Fact]
    public async Task A_failing_subscriber_does_not_stop_the_others_or_the_process()
    {
        var tail = new RealtimeTail();
        var heard = new TaskCompletionSource<RealtimeEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        tail.Appended += _ => throw new InvalidOperationException("a broken console page");
        tail.Appended += e => heard.TrySetResult(e);

        var envelope = DomainEventForwarder.ToRealtimeEvent(RealtimeMessage.Create("demo.ping", EventScope.Global, new { n = 1 })) with { Sequence = 1 };
        tail.Add(envelope);

        Assert.Same(envelope, await heard.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Same(envelope, Assert.Single(tail.Snapshot()));
    }
}
