using App.Domain.Common;

namespace App.Domain.Events;

/// <summary>The per-call parts of an entity change.</summary>
public sealed record EntityChangeOptions
{
    public required EventScope Scope { get; init; }
    public string? Action { get; init; }
    public string? Reason { get; init; }
    /// <summary>A small DTO (never an EF entity); serialised when the change is staged.</summary>
    public object? Payload { get; init; }
    public Actor? Actor { get; init; }
}
