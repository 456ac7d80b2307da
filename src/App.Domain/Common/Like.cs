namespace App.Domain.Common;

/// <summary>User text for SQL LIKE: '%' and '_' match literally, input is trimmed and bounded.</summary>
public static class Like
{
    public const string EscapeChar = "\\";
    public const int MaxQueryLength = 100;

    public static string Escape(string value) =>
        value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    /// <summary>A "contains" pattern for <paramref name="query"/>, or null when there is nothing to search for.</summary>
    public static string? Contains(string? query)
    {
        var q = (query ?? "").Trim();
        return q.Length == 0 ? null : "%" + Escape(q[..Math.Min(q.Length, MaxQueryLength)]) + "%";
    }
}
