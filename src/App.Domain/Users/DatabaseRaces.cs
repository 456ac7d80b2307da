using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MySqlConnector;

namespace App.Domain.Users;

/// <summary>Recognises the database errors that mean "someone else got there first", on both providers, so
/// a service can answer with a clear error or try again instead of failing with a 500.</summary>
public static class DatabaseRaces
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;

    /// <summary>A unique index (or primary key) refused the row: another transaction committed the same value.
    /// Other constraint failures (foreign keys, triggers, NOT NULL) are not races and return false.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint
                                  && sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        MySqlException mysql => mysql.ErrorCode == MySqlErrorCode.DuplicateKeyEntry,
        _ => false,
    };

    /// <summary>The database chose this transaction as a deadlock victim and rolled it back: safe to run again.</summary>
    public static bool IsDeadlock(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock }) return true;
        }
        return false;
    }
}
