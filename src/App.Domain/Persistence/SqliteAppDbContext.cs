using App.Domain.Events;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Persistence;

/// <summary>The zero-setup default: a SQLite file under the app's data folder.</summary>
public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options, IDomainEvents events)
    : AppDbContext(options, events);
