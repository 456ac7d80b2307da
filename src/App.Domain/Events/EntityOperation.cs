namespace App.Domain.Events;

/// <summary>What happened to an entity. Exactly these three: a lifecycle step such as "closed" is an
/// <see cref="EntityChange.Action"/> of <see cref="Updated"/>, never a new operation.</summary>
public enum EntityOperation
{
    // 0 is deliberately not a member: an uninitialised operation fails validation.
    Created = 1,
    Updated = 2,
    Deleted = 3,
}
