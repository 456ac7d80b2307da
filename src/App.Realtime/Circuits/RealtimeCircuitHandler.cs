using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Logging;

namespace App.Realtime.Circuits;

/// <summary>Opens the circuit's realtime connection when the circuit starts (before any component renders).</summary>
internal sealed class RealtimeCircuitHandler(CircuitRealtime realtime, ILogger<RealtimeCircuitHandler> logger) : CircuitHandler
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        try
        {
            await realtime.OpenAsync();
        }
        catch (Exception ex)
        {
            // A realtime fault must not take the page down: it renders, just without live updates.
            logger.LogError(ex, "Opening the realtime connection of circuit failed");
        }
    }
}
