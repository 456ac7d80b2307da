namespace App.Domain.Common;

/// <summary>Base for every failure a domain service reports to its caller in words a user can read.</summary>
public abstract class DomainException(string message) : Exception(message);

/// <summary>Input broke a rule; <see cref="Field"/> names the input so a form can show the message next to it.</summary>
public sealed class DomainValidationException(string field, string message) : DomainException(message)
{
    public string Field { get; } = field;
}

/// <summary>The thing does not exist, or the caller may not know that it exists (no existence leak).</summary>
public sealed class NotFoundException(string message) : DomainException(message);

/// <summary>Someone else saved first; nothing was overwritten.</summary>
public sealed class ConcurrencyConflictException(string message) : DomainException(message);

/// <summary>The caller is known but not allowed (disabled account, not an operator).</summary>
public sealed class AccessDeniedException(string message) : DomainException(message);
