using App.Domain.Events;
using App.Domain.Projects;

namespace App.Web.Workspaces;

/// <summary>
/// The projects a page shows, kept current from realtime changes: newest first, each project at its highest
/// version (a late or echoed event never rolls a row back), and recently changed rows remembered for a highlight.
/// </summary>
public sealed class ProjectList
{
    private readonly List<ProjectDto> items = [];
    private readonly Dictionary<Guid, DateTime> changedAt = [];
    private readonly TimeProvider clock;

    public ProjectList(TimeProvider? clock = null) => this.clock = clock ?? TimeProvider.System;

    public static readonly TimeSpan HighlightFor = TimeSpan.FromSeconds(2);

    public IReadOnlyList<ProjectDto> Items => items;

    public void Load(IEnumerable<ProjectDto> projects)
    {
        items.Clear();
        items.AddRange(projects);
        Sort();
    }

    /// <summary>Applies one change; returns false when it changes nothing (echo of what we have, or stale).</summary>
    public bool Apply(EntityOperation operation, ProjectDto project)
    {
        var index = items.FindIndex(p => p.Id == project.Id);
        switch (operation)
        {
            case EntityOperation.Deleted:
                if (index < 0) return false;
                items.RemoveAt(index);
                changedAt.Remove(project.Id);
                return true;
            case EntityOperation.Created or EntityOperation.Updated:
                if (index >= 0 && items[index].Version >= project.Version) return false;
                if (index >= 0) items[index] = project;
                else items.Add(project);
                Sort();
                changedAt[project.Id] = clock.GetUtcNow().UtcDateTime;
                return true;
            default:
                return false;
        }
    }

    public bool IsHighlighted(Guid id) =>
        changedAt.TryGetValue(id, out var at) && clock.GetUtcNow().UtcDateTime - at < HighlightFor;

    private void Sort() => items.Sort((a, b) =>
    {
        var byCreated = b.CreatedAt.CompareTo(a.CreatedAt);
        return byCreated != 0 ? byCreated : a.Id.CompareTo(b.Id);
    });
}
