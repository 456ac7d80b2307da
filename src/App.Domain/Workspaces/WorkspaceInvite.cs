namespace App.Domain.Workspaces;

/// <summary>An owner's invitation of one email address to a workspace. Only the SHA-256 of the link's secret is
/// stored, so the link is shown once, when it is made; it is single use and expires after <see cref="Lifetime"/>.</summary>
public class WorkspaceInvite
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
    public const int TokenHashLength = 64;

    public Guid Id { get; set; }
    public Guid WorkspaceId { get; set; }
    public string Email { get; set; } = "";
    public string NormalizedEmail { get; set; } = "";
    public string TokenHash { get; set; } = "";
    public string InvitedById { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? AcceptedAt { get; set; }
    public string? AcceptedById { get; set; }
    public DateTime? RevokedAt { get; set; }
    public Workspace? Workspace { get; set; }

    public bool IsPending(DateTime now) => AcceptedAt is null && RevokedAt is null && ExpiresAt > now;
}
