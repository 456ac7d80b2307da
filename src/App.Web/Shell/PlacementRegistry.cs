namespace App.Web.Shell;

/// <summary>One placement as an outlet renders it: the entry, its component type (if any), the variants in
/// which it lands in this outlet, and its resolved link address.</summary>
public sealed record OutletPlacement(PlacementEntry Entry, Type? Component, IReadOnlySet<LayoutVariant> Variants, string? Href)
{
    public bool InEveryVariant => Variants.Count == ShellTopology.Variants.Count;
}

/// <summary>
/// Every placement, validated once at start-up (fail closed): duplicate ids, unknown targets or tokens,
/// concrete targets from non-internal entries, components without tokens and links without addresses
/// all stop the app with one message naming the entry and where it came from.
/// </summary>
public sealed class PlacementRegistry
{
    private readonly List<(PlacementEntry Entry, string Origin, Type? Component)> entries = [];
    private readonly ShellTopology topology;

    public PlacementRegistry(ShellTopology topology, ComponentTokenRegistry tokens, IEnumerable<PlacementSource> sources)
    {
        this.topology = topology;
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in sources)
        foreach (var entry in source.Entries)
        {
            var where = $"placement '{entry.Id}' ({source.Origin})";
            if (string.IsNullOrWhiteSpace(entry.Id)) throw new PlacementException($"a placement in {source.Origin} has no Id.");
            if (!seen.TryAdd(entry.Id, source.Origin))
                throw new PlacementException($"{where}: duplicate Id, already declared in {seen[entry.Id]}.");
            if (ShellTopology.IsConcrete(entry.Target))
            {
                if (!entry.Internal)
                    throw new PlacementException($"{where}: targets the concrete outlet '{entry.Target}'; use a semantic target such as 'shell.status' (only internal entries may name outlets).");
                if (!ShellTopology.Outlets.Contains(entry.Target))
                    throw new PlacementException($"{where}: unknown outlet '{entry.Target}'.");
            }
            else if (!topology.IsKnownTarget(entry.Target))
                throw new PlacementException($"{where}: unknown target '{entry.Target}'; known targets: {string.Join(", ", topology.Targets.Order())}.");
            if (entry.Surfaces.Count == 0)
                throw new PlacementException($"{where}: Surfaces is empty; use [\"*\"] for every surface.");
            foreach (var surface in entry.Surfaces)
                if (surface != ShellSurfaces.Any && !ShellSurfaces.All.Contains(surface))
                    throw new PlacementException($"{where}: unknown surface '{surface}'; known: *, {string.Join(", ", ShellSurfaces.All)}.");

            Type? component = null;
            switch (entry.Kind)
            {
                case PlacementKind.Component:
                    if (string.IsNullOrWhiteSpace(entry.ComponentToken))
                        throw new PlacementException($"{where}: a Component entry needs a ComponentToken.");
                    if (!tokens.TryResolve(entry.ComponentToken, out var type))
                        throw new PlacementException($"{where}: unknown ComponentToken '{entry.ComponentToken}'.");
                    // Outlets switch between variants with CSS, so a component on a target that moves would be
                    // rendered twice (two instances, two subscriptions, duplicate element ids).
                    if (!ShellTopology.IsConcrete(entry.Target)
                        && ShellTopology.Variants.Select(v => topology.Resolve(entry.Target, v)).Distinct().Count() > 1)
                        throw new PlacementException($"{where}: '{entry.Target}' moves between outlets with the layout variant; only Link entries may go there (a component would render once per outlet).");
                    component = type;
                    break;
                case PlacementKind.Link:
                    if (string.IsNullOrWhiteSpace(entry.Text) || string.IsNullOrWhiteSpace(entry.Href))
                        throw new PlacementException($"{where}: a Link entry needs Text and Href.");
                    if (!entry.Href.StartsWith('/'))
                        throw new PlacementException($"{where}: Href '{entry.Href}' must be an app-relative path starting with '/'.");
                    break;
                default:
                    throw new PlacementException($"{where}: unknown Kind '{entry.Kind}'.");
            }
            entries.Add((entry, source.Origin, component));
        }
    }

    public IReadOnlyList<PlacementEntry> All => entries.Select(e => e.Entry).ToList();

    public string OriginOf(string id) => entries.First(e => e.Entry.Id == id).Origin;

    public string Resolve(PlacementEntry entry, LayoutVariant variant) => topology.Resolve(entry.Target, variant);

    /// <summary>What <paramref name="outlet"/> renders in <paramref name="context"/>: entries for this surface whose
    /// <c>When</c> holds, in <c>Order</c> then <c>Id</c> order.</summary>
    public IReadOnlyList<OutletPlacement> ForOutlet(string outlet, ShellContext context)
    {
        var result = new List<OutletPlacement>();
        foreach (var (entry, _, component) in entries)
        {
            var variants = ShellTopology.Variants.Where(v => topology.Resolve(entry.Target, v) == outlet).ToHashSet();
            if (variants.Count == 0 || !IsVisible(entry, context)) continue;
            string? href = null;
            if (entry.Kind == PlacementKind.Link)
            {
                href = ExpandHref(entry.Href!, context);
                if (href is null) continue;
            }
            result.Add(new OutletPlacement(entry, component, variants, href));
        }
        result.Sort((a, b) =>
        {
            var byOrder = a.Entry.Order.CompareTo(b.Entry.Order);
            return byOrder != 0 ? byOrder : string.CompareOrdinal(a.Entry.Id, b.Entry.Id);
        });
        return result;
    }

    public static bool IsVisible(PlacementEntry entry, ShellContext context) =>
        (entry.Surfaces.Contains(ShellSurfaces.Any) || entry.Surfaces.Contains(context.Surface))
        && (entry.When?.Invoke(context) ?? true);

    private static string? ExpandHref(string href, ShellContext context)
    {
        if (!href.Contains("{workspace}", StringComparison.Ordinal)) return href;
        return context.WorkspaceSlug is { Length: > 0 } slug
            ? href.Replace("{workspace}", Uri.EscapeDataString(slug), StringComparison.Ordinal)
            : null;
    }
}

/// <summary>A placement or topology mistake found at start-up.</summary>
public sealed class PlacementException(string message) : Exception(message);
