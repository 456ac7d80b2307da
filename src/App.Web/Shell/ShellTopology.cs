namespace App.Web.Shell;

/// <summary>Layout variants, following MudBlazor breakpoints: compact = xs (&lt;600px),
/// medium = sm and md (600-1279px), expanded = lg and up (1280px+).</summary>
public enum LayoutVariant
{
    Compact,
    Medium,
    Expanded,
}

/// <summary>Maps each semantic target to a concrete outlet per layout variant. The app owns the map
/// (see <c>Placement.cs</c>); features only ever name semantic targets.</summary>
public sealed class ShellTopology
{
    public static readonly IReadOnlyList<string> Outlets =
    [
        "shell-layout:top-left",
        "shell-layout:top-right",
        "shell-layout:primary-menu",
        "shell-layout:secondary-menu",
        "shell-layout:user-menu",
        "shell-layout:footer",
    ];

    public static readonly IReadOnlyList<LayoutVariant> Variants = Enum.GetValues<LayoutVariant>();

    private readonly Dictionary<string, IReadOnlyDictionary<LayoutVariant, string>> targets = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Targets => targets.Keys;

    /// <summary>The same outlet in every variant.</summary>
    public ShellTopology Map(string target, string outlet) => Map(target, outlet, outlet, outlet);

    public ShellTopology Map(string target, string compact, string medium, string expanded)
    {
        if (!IsSemantic(target))
            throw new ArgumentException($"Shell topology: '{target}' is not a semantic target such as 'shell.status'.");
        foreach (var outlet in new[] { compact, medium, expanded })
            if (!Outlets.Contains(outlet))
                throw new ArgumentException($"Shell topology: '{target}' maps to unknown outlet '{outlet}'.");
        if (!targets.TryAdd(target, new Dictionary<LayoutVariant, string>
            {
                [LayoutVariant.Compact] = compact,
                [LayoutVariant.Medium] = medium,
                [LayoutVariant.Expanded] = expanded,
            }))
            throw new ArgumentException($"Shell topology: '{target}' is mapped twice.");
        return this;
    }

    public bool IsKnownTarget(string target) => targets.ContainsKey(target);

    /// <summary>The concrete outlet for a target (semantic or, for internal entries, concrete) in a variant.</summary>
    public string Resolve(string target, LayoutVariant variant) =>
        targets.TryGetValue(target, out var byVariant) ? byVariant[variant]
        : Outlets.Contains(target) ? target
        : throw new KeyNotFoundException($"Unknown shell target '{target}'.");

    public static bool IsSemantic(string target) =>
        !target.Contains(':') && target.Contains('.') && target.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-');

    public static bool IsConcrete(string target) => target.Contains(':');
}
