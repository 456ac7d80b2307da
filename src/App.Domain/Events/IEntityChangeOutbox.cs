namespace App.Domain.Events;

/// <summary>Holds validated events until the database work they describe has committed.
/// <see cref="App.Domain.Persistence.AppDbContext"/> is one: staged events go out after
/// <c>SaveChanges</c> succeeds, or after the surrounding transaction commits; a rollback drops them.</summary>
public interface IEntityChangeOutbox
{
    void Stage(IRealtimeDomainEvent domainEvent);
}
