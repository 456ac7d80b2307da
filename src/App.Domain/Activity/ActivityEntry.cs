namespace App.Domain.Activity;

/// <summary>One line of a workspace's activity feed: who did what to which thing, and when. Written in the same unit of
/// work as the change it describes, so the feed never shows a change that was rolled back.</summary>
public class ActivityEntry
{
    public const int SubjectMaxLength = 200;
    public const int DetailsMaxLength = 1000;

    public Guid Id { get; set; }
    public Guid WorkspaceId { get; set; }
    public DateTime At { get; set; }
    public string ActorId { get; set; } = "";
    public string ActorName { get; set; } = "";
    /// <summary>What happened, one of <see cref="ActivityKinds"/>.</summary>
    public string Kind { get; set; } = "";
    /// <summary>The project or person it happened to, by name at the time.</summary>
    public string Subject { get; set; } = "";
    public string Details { get; set; } = "";
}

/// <summary>The things the feed records.</summary>
public static class ActivityKinds
{
    public const string ProjectCreated = "project-created";
    public const string ProjectEdited = "project-edited";
    public const string ProjectClosed = "project-closed";
    public const string ProjectReopened = "project-reopened";
    public const string ProjectDeleted = "project-deleted";
    public const string MemberJoined = "member-joined";
    public const string MemberRemoved = "member-removed";
    public const string MemberLeft = "member-left";
    public const string OwnerAdded = "owner-added";
}

/// <summary>A feed line as pages and realtime payloads see it.</summary>
public sealed record ActivityItem(Guid Id, Guid WorkspaceId, DateTime At, string ActorId, string ActorName, string Kind,
    string Subject, string Details)
{
    public static ActivityItem From(ActivityEntry e) => new(e.Id, e.WorkspaceId, e.At, e.ActorId, e.ActorName, e.Kind, e.Subject, e.Details);

    /// <summary>The sentence a person reads: "Ana closed Apollo".</summary>
    public string Sentence => Kind switch
    {
        ActivityKinds.ProjectCreated => $"{ActorName} created {Subject}",
        ActivityKinds.ProjectEdited => $"{ActorName} edited {Subject}",
        ActivityKinds.ProjectClosed => $"{ActorName} closed {Subject}",
        ActivityKinds.ProjectReopened => $"{ActorName} reopened {Subject}",
        ActivityKinds.ProjectDeleted => $"{ActorName} deleted {Subject}",
        ActivityKinds.MemberJoined => $"{Subject} joined",
        ActivityKinds.MemberRemoved => $"{ActorName} removed {Subject}",
        ActivityKinds.MemberLeft => $"{Subject} left",
        ActivityKinds.OwnerAdded => $"{ActorName} made {Subject} an owner",
        _ => $"{ActorName}: {Kind} {Subject}",
    };
}
