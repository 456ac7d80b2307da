namespace App.Web.Shell;

public enum PlacementKind
{
    Component,
    Link,
}

/// <summary>
/// One widget contributed to the shell. <see cref="Target"/> is a semantic target (<c>shell.status</c>)
/// resolved through <see cref="ShellTopology"/>; only <see cref="Internal"/> entries may name a concrete
/// outlet (<c>shell-layout:top-right</c>). Entries are validated at start-up by <see cref="PlacementRegistry"/>.
/// </summary>
public sealed record PlacementEntry
{
    public const int DefaultOrder = 1000;

    public required string Id { get; init; }
    public required string Target { get; init; }
    public PlacementKind Kind { get; init; } = PlacementKind.Component;
    /// <summary><c>*</c> for every surface, or surface ids (<see cref="ShellSurfaces"/>).</summary>
    public IReadOnlyList<string> Surfaces { get; init; } = ["*"];
    public int Order { get; init; } = DefaultOrder;
    /// <summary>For <see cref="PlacementKind.Component"/>: the token registered in <see cref="ComponentTokenRegistry"/>.</summary>
    public string? ComponentToken { get; init; }
    /// <summary>Parameters passed to the component.</summary>
    public IReadOnlyDictionary<string, object?>? Props { get; init; }
    /// <summary>Extra condition, evaluated per render (e.g. signed in, operator).</summary>
    public Func<ShellContext, bool>? When { get; init; }
    /// <summary>Link text. Links only.</summary>
    public string? Text { get; init; }
    /// <summary>Link address; <c>{workspace}</c> is replaced by the current workspace slug, and the link is
    /// hidden where there is none. Links only.</summary>
    public string? Href { get; init; }
    /// <summary>A MudBlazor icon (SVG path string), optional. Links only.</summary>
    public string? Icon { get; init; }
    /// <summary>Framework-owned entries may target a concrete outlet directly.</summary>
    public bool Internal { get; init; }
}
