namespace App.Domain.Projects;

/// <summary>The editable fields of a project, as the editor opened them, as typed, or as saved by someone else.</summary>
public sealed record ProjectFields(string Name, string Description)
{
    public static ProjectFields Of(ProjectDto p) => new(p.Name, p.Description);
}

/// <summary>The outcome of a three-way merge: the fields to save, and the fields both sides changed differently.</summary>
public sealed record ProjectMergeResult(ProjectFields Merged, IReadOnlyList<string> Conflicts, IReadOnlyList<string> TakenFromTheirs)
{
    public bool HasConflicts => Conflicts.Count > 0;
}

/// <summary>
/// Three-way, field-level merge of an edit with a change saved meanwhile, with the version the editor opened as the
/// base: a field only one side changed takes that side; a field both changed to the same value is that value; a field
/// both changed differently is a conflict (the merged value keeps mine, so nothing typed is lost).
/// </summary>
public static class ProjectMerge
{
    public const string Name = "name";
    public const string Description = "description";

    public static ProjectMergeResult Merge(ProjectFields @base, ProjectFields mine, ProjectFields theirs)
    {
        var conflicts = new List<string>();
        var taken = new List<string>();
        var name = Field(Name, @base.Name, mine.Name, theirs.Name, conflicts, taken);
        var description = Field(Description, @base.Description, mine.Description, theirs.Description, conflicts, taken);
        return new ProjectMergeResult(new ProjectFields(name, description), conflicts, taken);
    }

    /// <summary>What changed between two versions, for "Ana changed this project: name A -> B".</summary>
    public static string Describe(ProjectFields before, ProjectFields after)
    {
        var parts = new List<string>();
        if (before.Name != after.Name) parts.Add($"name {before.Name} -> {after.Name}");
        if (before.Description != after.Description) parts.Add("description changed");
        return parts.Count == 0 ? "no field changed" : string.Join("; ", parts);
    }

    private static string Field(string field, string @base, string mine, string theirs, List<string> conflicts, List<string> taken)
    {
        if (mine == theirs || theirs == @base) return mine;
        if (mine == @base)
        {
            taken.Add(field);
            return theirs;
        }
        conflicts.Add(field);
        return mine;
    }
}
