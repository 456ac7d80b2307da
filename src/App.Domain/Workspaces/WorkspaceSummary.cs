namespace App.Domain.Workspaces;

/// <summary>A workspace as its member sees it.</summary>
public sealed record WorkspaceSummary(Guid Id, string Slug, string Name, WorkspaceKind Kind, WorkspaceRole Role);
