using App.Domain.Events;

namespace App.UnitTests.Realtime;

public sealed class DomainEventBusTests
{
    private sealed record Ping(string Name) : INamedDomainEvent;

    [Fact]
    public async Task A_failing_handler_is_counted_and_the_others_still_run()
    {
        var bus = new DomainEventBus();
        var received = new List<string>();
        bus.Subscribe<Ping>((_, _) => throw new InvalidOperationException("sync failure"));
        bus.Subscribe<Ping>(async (_, _) =>
        {
            await Task.Yield();
            throw new InvalidOperationException("async failure");
        });
        bus.Subscribe<Ping>((p, _) =>
        {
            received.Add("typed " + p.Name);
            return ValueTask.CompletedTask;
        });
        bus.Subscribe("demo.ping", (e, _) =>
        {
            received.Add("named " + e.Name);
            return ValueTask.CompletedTask;
        });
        bus.Subscribe("other.event", (_, _) => throw new InvalidOperationException("never called"));

        await bus.PublishAsync(new Ping("demo.ping"));

        Assert.Equal(["typed demo.ping", "named demo.ping"], received);
        Assert.Equal(2, bus.HandlerFailures);
    }

    [Fact]
    public async Task Disposed_subscriptions_receive_nothing_more()
    {
        var bus = new DomainEventBus();
        var count = 0;
        var subscription = bus.Subscribe<Ping>((_, _) =>
        {
            count++;
            return ValueTask.CompletedTask;
        });
        await bus.PublishAsync(new Ping("a.b"));
        subscription.Dispose();
        await bus.PublishAsync(new Ping("a.b"));
        Assert.Equal(1, count);
    }
}
