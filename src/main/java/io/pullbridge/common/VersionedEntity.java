package io.pullbridge.common;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Transient;
import jakarta.persistence.Version;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.springframework.data.domain.Persistable;

/** A row users create and change: an id, a version that is its ETag, and who made it when. */
@MappedSuperclass
public abstract class VersionedEntity implements Persistable<UUID> {

    @Id
    private UUID id;

    @Version
    private long version;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "created_by", nullable = false, updatable = false)
    private String createdBy;

    // Ids are assigned here, not by the database: without this, save() would merge (a SELECT, and a version bump
    // through cascaded collections) instead of persisting a new row.
    @Transient
    private boolean persisted;

    protected VersionedEntity() {
    }

    protected VersionedEntity(UUID id, Instant now, String createdBy) {
        this.id = id;
        this.createdAt = now.truncatedTo(ChronoUnit.MICROS);
        this.updatedAt = this.createdAt;
        this.createdBy = createdBy;
    }

    @Override
    public boolean isNew() {
        return !persisted;
    }

    @PostLoad
    @PostPersist
    void markPersisted() {
        persisted = true;
    }

    @Override
    public UUID getId() {
        return id;
    }

    public long getVersion() {
        return version;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public String getCreatedBy() {
        return createdBy;
    }

    public void touched(Instant now) {
        this.updatedAt = now.truncatedTo(ChronoUnit.MICROS);
    }
}
