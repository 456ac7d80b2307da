namespace App.Tests.Shared;

/// <summary>Where the repository and the built app are, from the running test assembly.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Release or Debug: whatever the tests themselves were built as (bin/{Configuration}/net10.0/).</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name is "Release" ? "Release" : "Debug";

    public static string WebDll => Path.Combine(Root, "src", "App.Web", "bin", Configuration, "net10.0", "App.Web.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "App.sln"))) return dir.FullName;
        throw new InvalidOperationException("App.sln not found above " + AppContext.BaseDirectory);
    }
}
