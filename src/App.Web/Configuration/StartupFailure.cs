using Microsoft.Data.Sqlite;

namespace App.Web.Configuration;

/// <summary>Failures of the machine rather than of the code (a port in use, an unwritable data folder), which the
/// operator fixes from one readable line; anything else still surfaces with its stack trace.</summary>
public static class StartupFailure
{
    public static bool IsEnvironmental(Exception ex) => Environmental(ex) is not null;

    public static string Describe(Exception ex) => (Environmental(ex) ?? ex).Message.Split('\n')[0].Trim();

    private static Exception? Environmental(Exception? ex) =>
        ex is null ? null
        : ex is IOException or UnauthorizedAccessException or SqliteException ? ex
        : Environmental(ex.InnerException);
}
