using Microsoft.AspNetCore.Components.Server.Circuits;

namespace App.Realtime.Circuits;

/// <summary>A circuit whose connection drops leaves presence at once (not when the circuit is finally disposed,
/// minutes later) and comes back when it reconnects.</summary>
internal sealed class PresenceCircuitHandler(CircuitPresence presence) : CircuitHandler
{
    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken) => presence.ConnectionDownAsync();

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken) => presence.ConnectionUpAsync();
}
