namespace App.Domain.Users;

/// <summary>Realtime payload of <c>users.user.changed</c>: sent to the user's own circuits (so a disabled
/// user's open pages lose access at once) and used by the realtime bridge to drop their audiences.</summary>
public sealed record UserChange(string UserId, bool IsDisabled, bool IsOperator);
