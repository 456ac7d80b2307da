namespace App.Bench;

/// <summary>A markdown table built row by row; cells are preformatted strings so each benchmark picks its units.</summary>
internal sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> rows = [];

    public void Add(params string[] cells)
    {
        if (cells.Length != headers.Length) throw new ArgumentException($"Expected {headers.Length} cells, got {cells.Length}.");
        rows.Add(cells);
    }

    public IEnumerable<string> Lines()
    {
        yield return "| " + string.Join(" | ", headers) + " |";
        yield return "|" + string.Concat(headers.Select(_ => "---|"));
        foreach (var row in rows) yield return "| " + string.Join(" | ", row) + " |";
    }
}
