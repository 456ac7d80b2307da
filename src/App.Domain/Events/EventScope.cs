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
    private const string UserPrefix = "user:";
    private const string WorkspacePrefix = "workspace:";

    // The routing key is the only string kept: it is built once per scope (publishers build a scope per event)
    // and looked up for every routed event; the id is cut from it on the rare occasions it is read.
    private readonly string? key;

    private EventScope(EventScopeKind kind, string key)
    {
        Kind = kind;
        this.key = key;
    }

    public EventScopeKind Kind { get; }

    public string Id => Kind switch
    {
        EventScopeKind.User => key![UserPrefix.Length..],
        EventScopeKind.Workspace => key![WorkspacePrefix.Length..],
        _ => "",
    };

    public static EventScope Global { get; } = new(EventScopeKind.Global, "global");

    public static EventScope User(string userId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return new(EventScopeKind.User, UserPrefix + userId);
    }

    public static EventScope Workspace(Guid workspaceId)
    {
        if (workspaceId == Guid.Empty) throw new ArgumentException("A workspace scope needs a workspace id.", nameof(workspaceId));
        return new(EventScopeKind.Workspace, WorkspaceKey(workspaceId));
    }

    // Workspace keys already built, so publishing to a workspace again allocates no key (the key of every queued
    // event stays alive until delivered) and the audience lookup finds the very same string. Bounded: past the
    // limit keys are built per call, as before.
    private const int MaxCachedWorkspaceKeys = 10_000;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, string> WorkspaceKeys = new();
    private static int cachedWorkspaceKeys;

    private static string WorkspaceKey(Guid workspaceId)
    {
        if (WorkspaceKeys.TryGetValue(workspaceId, out var cached)) return cached;
        // One allocation for the key (not a formatted id plus a concatenation).
        var key = string.Create(WorkspacePrefix.Length + 36, workspaceId, static (chars, id) =>
        {
            WorkspacePrefix.CopyTo(chars);
            id.TryFormat(chars[WorkspacePrefix.Length..], out _, "D");
        });
        if (Interlocked.Increment(ref cachedWorkspaceKeys) <= MaxCachedWorkspaceKeys) return WorkspaceKeys.GetOrAdd(workspaceId, key);
        Interlocked.Decrement(ref cachedWorkspaceKeys);
        return key;
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
        if (key.StartsWith(UserPrefix, StringComparison.Ordinal) && key.Length > 5 && key.Length <= 5 + 450)
            return new(EventScopeKind.User, key);
        if (key.StartsWith(WorkspacePrefix, StringComparison.Ordinal) && Guid.TryParse(key.AsSpan(10), out var id)
            && id != Guid.Empty)
            return Workspace(id);
        return default;
    }
}
