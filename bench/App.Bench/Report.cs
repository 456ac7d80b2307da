using System.Text;

namespace App.Bench;

/// <summary>Results go to stdout (and, with --out, are appended to a file); progress goes to stderr so stdout
/// stays pure markdown.</summary>
internal sealed class Report(string? outFile)
{
    private readonly StringBuilder text = new();

    public void Line(string line = "")
    {
        Console.WriteLine(line);
        text.AppendLine(line);
    }

    public void Table(MarkdownTable table)
    {
        foreach (var line in table.Lines()) Line(line);
        Line();
    }

    public static void Progress(string message) => Console.Error.WriteLine($"[bench {DateTime.Now:HH:mm:ss}] {message}");

    public async Task SaveAsync()
    {
        if (outFile is not null) await File.AppendAllTextAsync(outFile, text.ToString());
    }
}
