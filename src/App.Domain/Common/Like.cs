namespace App.Domain.Common;

/// <summary>Escapes user text for SQL LIKE so '%' and '_' are matched literally.</summary>
public static class Like
{
    public const string EscapeChar = "\\";

    public static string Escape(string value) =>
        value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
