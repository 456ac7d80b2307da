using System.Security.Claims;
using App.Domain.Workspaces;
using App.Web.Auth;

namespace App.Web.Shell;

/// <summary>
/// The page context: what placements are filtered by on each render (the surface, the user, the workspace in the
/// URL) and what a placed widget needs to know about the page. Every placed component receives it as a cascading
/// value (<c>[CascadingParameter] public ShellContext Context { get; set; }</c>): a live widget takes the current
/// workspace from <see cref="Workspace"/> (resolved once per navigation, only when the user is a member) and the
/// user from <see cref="UserId"/> / <see cref="UserName"/>, instead of looking them up itself.
/// </summary>
public sealed record ShellContext(string Surface, ClaimsPrincipal User, string? WorkspaceSlug, string Path)
{
    /// <summary>The workspace of a <c>/w/{slug}/...</c> page, when the signed-in user is a member; otherwise null.</summary>
    public WorkspaceSummary? Workspace { get; init; }

    public string? UserId => User.Id();

    /// <summary>The name the user chose to be shown (their email when they chose none).</summary>
    public string UserName => User.DisplayName();

    public static ShellContext Anonymous(string path = "/") =>
        new(ShellSurfaces.FromPath(path), new ClaimsPrincipal(new ClaimsIdentity()), ShellSurfaces.WorkspaceSlug(path), path);

    public static ShellContext For(string path, ClaimsPrincipal user) =>
        new(ShellSurfaces.FromPath(path), user, ShellSurfaces.WorkspaceSlug(path), path);

    public bool IsAuthenticated => User.Identity?.IsAuthenticated == true;

    public bool IsOperator => User.HasClaim(AppClaims.Operator, "true");
}
