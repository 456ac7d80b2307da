using Microsoft.Data.Sqlite;
using MySqlConnector;

namespace App.Domain.Common;

/// <summary>Recognises "the database cannot take this right now" on both providers: the server is down or
/// unreachable, the disk is full, SQLite's file is locked or busy. Such a failure is worth a "try again"; a bug is not.</summary>
public static class DatabaseFailures
{
    /// <summary>What a person is told when a save fails this way.</summary>
    public const string SaveMessage = "Could not save: the database is unavailable, try again.";

    // SQLite result codes (primary, the low byte of the extended code).
    private const int SqliteBusy = 5, SqliteLocked = 6, SqliteReadOnly = 8, SqliteIoError = 10, SqliteFull = 13, SqliteCantOpen = 14;

    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException sqlite when (sqlite.SqliteErrorCode & 0xff) is SqliteBusy or SqliteLocked or SqliteReadOnly
                    or SqliteIoError or SqliteFull or SqliteCantOpen:
                    return true;
                case MySqlException mysql when mysql.IsTransient || mysql.ErrorCode is MySqlErrorCode.UnableToConnectToHost
                    or MySqlErrorCode.RecordFileFull or MySqlErrorCode.DiskFull or MySqlErrorCode.OutOfResources
                    or MySqlErrorCode.ServerShutdown or MySqlErrorCode.ConnectionCountError or MySqlErrorCode.TooManyUserConnections
                    or MySqlErrorCode.CommandTimeoutExpired:
                    return true;
                case System.Net.Sockets.SocketException or IOException:
                    return true;
            }
        }
        return false;
    }
}
