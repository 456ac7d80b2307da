using System.Security.Claims;
using App.Web.Auth;

namespace App.Web.Shell;

/// <summary>What placements are filtered by on each render: the surface, the user and the workspace in the URL.</summary>
public sealed record ShellContext(string Surface, ClaimsPrincipal User, string? WorkspaceSlug, string Path)
{
    public static ShellContext Anonymous(string path = "/") =>
        new(ShellSurfaces.FromPath(path), new ClaimsPrincipal(new ClaimsIdentity()), ShellSurfaces.WorkspaceSlug(path), path);

    public static ShellContext For(string path, ClaimsPrincipal user) =>
        new(ShellSurfaces.FromPath(path), user, ShellSurfaces.WorkspaceSlug(path), path);

    public bool IsAuthenticated => User.Identity?.IsAuthenticated == true;

    public bool IsOperator => User.HasClaim(AppClaims.Operator, "true");
}
