using System.Globalization;
using System.Text;
using App.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Workspaces;

/// <summary>URL-safe, unique workspace slugs derived from a name: "Ana María's team" -> "ana-marias-team".</summary>
public static class WorkspaceSlugs
{
    private const int BaseMaxLength = 48;
    private static readonly HashSet<string> Reserved = ["new", "admin", "api", "console", "account", "w", "hubs", "healthz"];

    public static string FromName(string name)
    {
        var normalized = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(normalized.Length);
        var dash = false;
        foreach (var c in normalized)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (c is '\'' or '’') continue;
            var lower = char.ToLowerInvariant(c);
            if (lower is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                builder.Append(lower);
                dash = false;
            }
            else if (!dash && builder.Length > 0)
            {
                builder.Append('-');
                dash = true;
            }
            if (builder.Length >= BaseMaxLength) break;
        }
        var slug = builder.ToString().Trim('-');
        if (slug.Length == 0) slug = "workspace";
        if (Reserved.Contains(slug)) slug += "-space";
        return slug;
    }

    /// <summary>The first free slug: base, base-2, base-3, ... (the unique index still guards races).</summary>
    public static async Task<string> AllocateAsync(AppDbContext db, string name, CancellationToken ct = default)
    {
        var slugBase = FromName(name);
        var taken = await db.Workspaces
            .Where(w => w.Slug == slugBase || w.Slug.StartsWith(slugBase + "-"))
            .Select(w => w.Slug)
            .ToListAsync(ct);
        var takenSet = taken.ToHashSet(StringComparer.Ordinal);
        if (!takenSet.Contains(slugBase)) return slugBase;
        for (var n = 2; ; n++)
        {
            var candidate = $"{slugBase}-{n}";
            if (!takenSet.Contains(candidate)) return candidate;
        }
    }

    public static bool IsWellFormed(string? slug) =>
        slug is { Length: > 0 and <= Workspace.SlugMaxLength }
        && slug.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && slug[0] != '-' && slug[^1] != '-';
}
