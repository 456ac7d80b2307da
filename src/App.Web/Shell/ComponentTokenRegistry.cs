using Microsoft.AspNetCore.Components;

namespace App.Web.Shell;

/// <summary>Maps component tokens (<c>realtime.web.connection.indicator</c>) to component types, so placement
/// entries name widgets without referencing their types.</summary>
public sealed class ComponentTokenRegistry
{
    private readonly Dictionary<string, Type> components = new(StringComparer.Ordinal);

    public ComponentTokenRegistry(IEnumerable<ComponentTokenRegistration> registrations)
    {
        foreach (var registration in registrations)
        {
            if (!typeof(IComponent).IsAssignableFrom(registration.Component))
                throw new ArgumentException($"Component token '{registration.Token}' maps to {registration.Component.Name}, which is not a component.");
            if (!components.TryAdd(registration.Token, registration.Component))
                throw new ArgumentException($"Component token '{registration.Token}' is registered twice.");
        }
    }

    public IReadOnlyCollection<string> Tokens => components.Keys;

    public bool TryResolve(string token, out Type component) => components.TryGetValue(token, out component!);
}

public sealed record ComponentTokenRegistration(string Token, Type Component);

/// <summary>A named batch of placement entries (Placement.cs, or a feature module).</summary>
public sealed record PlacementSource(string Origin, IReadOnlyList<PlacementEntry> Entries);
