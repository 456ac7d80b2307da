namespace App.Domain.Events;

public enum EventScopeKind
{
    /// <summary>The default value: an event with this scope reaches nobody.</summary>
    Unknown = 0,
    Global = 1,
    User = 2,
    Workspace = 3,
}

/// <summary>Who may see an event: everyone (only when the publisher says so), one user, or the members of
/// one workspace. <c>default(EventScope)</c> is <see cref="EventScopeKind.Unknown"/> and reaches nobody.</summary>
public readonly record struct EventScope
{
    private readonly string? id;
    private readonly string? key;

    private EventScope(EventScopeKind kind, string id)
    {
        Kind = kind;
        this.id = id;
        // Built once: the key is looked up for every routed event.
        key = kind switch
        {
            EventScopeKind.Global => "global",
            EventScopeKind.User => "user:" + id,
            EventScopeKind.Workspace => "workspace:" + id,
            _ => "unknown",
        };
    }

    public EventScopeKind Kind { get; }
    public string Id => id ?? "";

    public static EventScope Global { get; } = new(EventScopeKind.Global, "");

    public static EventScope User(string userId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return new(EventScopeKind.User, userId);
    }

    public static EventScope Workspace(Guid workspaceId)
    {
        if (workspaceId == Guid.Empty) throw new ArgumentException("A workspace scope needs a workspace id.", nameof(workspaceId));
        return new(EventScopeKind.Workspace, workspaceId.ToString("D"));
    }

    /// <summary>The routing key: <c>global</c>, <c>user:{id}</c> or <c>workspace:{id}</c>.</summary>
    public string Key => key ?? "unknown";

    public bool IsKnown => Kind is EventScopeKind.Global or EventScopeKind.User or EventScopeKind.Workspace;

    public override string ToString() => Key;

    /// <summary>Parses a routing key from outside (a form, Redis, a hub message). Anything malformed is Unknown.</summary>
    public static EventScope Parse(string? key)
    {
        if (string.IsNullOrWhiteSpace(key)) return default;
        if (key == "global") return Global;
        if (key.StartsWith("user:", StringComparison.Ordinal) && key.Length > 5 && key.Length <= 5 + 450)
            return new(EventScopeKind.User, key[5..]);
        if (key.StartsWith("workspace:", StringComparison.Ordinal) && Guid.TryParse(key.AsSpan(10), out var id)
            && id != Guid.Empty)
            return Workspace(id);
        return default;
    }
}
