namespace App.Domain.Common;

/// <summary>Normalises and checks free text from outside before it reaches the database.</summary>
public static class TextRules
{
    public static string Required(string? value, string field, int maxLength)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0) throw new DomainValidationException(field, $"{field} is required.");
        if (trimmed.Length > maxLength)
            throw new DomainValidationException(field, $"{field} must be at most {maxLength} characters.");
        return trimmed;
    }

    public static string Optional(string? value, string field, int maxLength)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length > maxLength)
            throw new DomainValidationException(field, $"{field} must be at most {maxLength} characters.");
        return trimmed;
    }
}
