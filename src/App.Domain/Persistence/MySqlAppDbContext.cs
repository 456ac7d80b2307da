using App.Domain.Events;
using Microsoft.EntityFrameworkCore;

namespace App.Domain.Persistence;

/// <summary>Production: MySQL or MariaDB through Pomelo.</summary>
public sealed class MySqlAppDbContext(DbContextOptions<MySqlAppDbContext> options, IDomainEvents events)
    : AppDbContext(options, events);
