namespace App.Tests.Shared;

/// <summary>
/// What a passing test had to work around. dotnet test shows nothing of a passing test, so the note goes to the file
/// ./scripts/test.sh names in TEST_NOTES_FILE and prints before its summary line; a workaround stays visible.
/// </summary>
public static class TestNotes
{
    private static readonly object Gate = new();

    public static void Write(string note)
    {
        var line = $"{DateTime.UtcNow:HH:mm:ss} {note}";
        Console.WriteLine(line);
        if (Environment.GetEnvironmentVariable("TEST_NOTES_FILE") is not { Length: > 0 } path) return;
        lock (Gate) File.AppendAllText(path, line + Environment.NewLine);
    }
}
