using System.Reflection;
using Microsoft.Extensions.Caching.Memory;

namespace App.Web.Realtime.Bench;

/// <summary>
/// How many paused circuits' states Blazor's in-memory circuit persistence store holds (bench only: bench/CircuitLoad
/// hidden). The store is internal to Microsoft.AspNetCore.Components.Server 10.0 (DefaultInMemoryCircuitPersistenceProvider,
/// a MemoryCache), so it is read by reflection; null when that shape changes or another store is configured.
/// </summary>
internal static class PersistedCircuits
{
    private static readonly Type? ProviderInterface = Type.GetType(
        "Microsoft.AspNetCore.Components.Server.Circuits.ICircuitPersistenceProvider, Microsoft.AspNetCore.Components.Server");

    public static int? Count(IServiceProvider services)
    {
        var provider = ProviderInterface is null ? null : services.GetService(ProviderInterface);
        var cache = provider?.GetType().GetField("_persistedCircuits", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(provider);
        return (cache as MemoryCache)?.Count;
    }
}
