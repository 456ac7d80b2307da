using App.Domain.Activity;
using App.Domain.Audit;
using App.Domain.Outbox;
using App.Domain.Projects;
using App.Domain.Users;
using App.Domain.Workspaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace App.Domain.Persistence;

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(AppUser.DisplayNameMaxLength).IsRequired();
        b.HasIndex(u => u.CreatedAt);
    }
}

internal sealed class WorkspaceConfiguration : IEntityTypeConfiguration<Workspace>
{
    public void Configure(EntityTypeBuilder<Workspace> b)
    {
        b.ToTable("Workspaces");
        b.HasKey(w => w.Id);
        b.Property(w => w.Slug).HasMaxLength(Workspace.SlugMaxLength).IsRequired();
        b.HasIndex(w => w.Slug).IsUnique();
        b.Property(w => w.Name).HasMaxLength(Workspace.NameMaxLength).IsRequired();
        b.Property(w => w.OwnerId).HasMaxLength(450).IsRequired();
        b.HasIndex(w => w.OwnerId);
        b.HasMany(w => w.Members).WithOne(m => m.Workspace).HasForeignKey(m => m.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WorkspaceMembershipConfiguration : IEntityTypeConfiguration<WorkspaceMembership>
{
    public void Configure(EntityTypeBuilder<WorkspaceMembership> b)
    {
        b.ToTable("WorkspaceMemberships");
        b.HasKey(m => new { m.WorkspaceId, m.UserId });
        b.HasIndex(m => m.UserId);
        b.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WorkspaceInviteConfiguration : IEntityTypeConfiguration<WorkspaceInvite>
{
    public void Configure(EntityTypeBuilder<WorkspaceInvite> b)
    {
        b.ToTable("WorkspaceInvites");
        b.HasKey(i => i.Id);
        b.Property(i => i.Email).HasMaxLength(256).IsRequired();
        b.Property(i => i.NormalizedEmail).HasMaxLength(256).IsRequired();
        b.Property(i => i.TokenHash).HasMaxLength(WorkspaceInvite.TokenHashLength).IsRequired();
        b.HasIndex(i => i.TokenHash).IsUnique();
        b.Property(i => i.InvitedById).HasMaxLength(450).IsRequired();
        b.Property(i => i.AcceptedById).HasMaxLength(450);
        b.HasIndex(i => new { i.WorkspaceId, i.NormalizedEmail });
        b.HasOne(i => i.Workspace).WithMany().HasForeignKey(i => i.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> b)
    {
        b.ToTable("Projects");
        b.HasKey(p => p.Id);
        b.Property(p => p.Name).HasMaxLength(Project.NameMaxLength).IsRequired();
        b.Property(p => p.Description).HasMaxLength(Project.DescriptionMaxLength).IsRequired();
        b.Property(p => p.CreatedById).HasMaxLength(450).IsRequired();
        b.Property(p => p.UpdatedById).HasMaxLength(450).IsRequired();
        b.Property(p => p.Version).IsConcurrencyToken();
        b.HasIndex(p => new { p.WorkspaceId, p.CreatedAt });
        b.HasOne<Workspace>().WithMany().HasForeignKey(p => p.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("AuditEntries");
        b.HasKey(a => a.Id);
        b.Property(a => a.ActorId).HasMaxLength(450).IsRequired();
        b.Property(a => a.ActorEmail).HasMaxLength(256).IsRequired();
        b.Property(a => a.Action).HasMaxLength(64).IsRequired();
        b.Property(a => a.Target).HasMaxLength(256).IsRequired();
        b.Property(a => a.Details).HasMaxLength(1000).IsRequired();
        b.HasIndex(a => a.At);
    }
}

internal sealed class ActivityEntryConfiguration : IEntityTypeConfiguration<ActivityEntry>
{
    public void Configure(EntityTypeBuilder<ActivityEntry> b)
    {
        b.ToTable("ActivityEntries");
        b.HasKey(a => a.Id);
        b.Property(a => a.ActorId).HasMaxLength(450).IsRequired();
        b.Property(a => a.ActorName).HasMaxLength(AppUser.DisplayNameMaxLength).IsRequired();
        b.Property(a => a.Kind).HasMaxLength(32).IsRequired();
        b.Property(a => a.Subject).HasMaxLength(ActivityEntry.SubjectMaxLength).IsRequired();
        b.Property(a => a.Details).HasMaxLength(ActivityEntry.DetailsMaxLength).IsRequired();
        b.HasIndex(a => new { a.WorkspaceId, a.At });
        b.HasOne<Workspace>().WithMany().HasForeignKey(a => a.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("OutboxMessages");
        b.HasKey(m => m.Id);
        b.Property(m => m.Id).ValueGeneratedOnAdd();
        b.Property(m => m.EventId).HasMaxLength(OutboxMessage.EventIdLength).IsRequired();
        b.HasIndex(m => m.EventId).IsUnique();
        b.Property(m => m.Name).HasMaxLength(OutboxMessage.NameMaxLength).IsRequired();
        b.Property(m => m.Body).IsRequired();
        // The sweep looks for rows not yet dispatched, the clean-up for rows dispatched long ago.
        b.HasIndex(m => m.DispatchedAt);
    }
}
