package io.pullbridge.common;

import jakarta.persistence.Embedded;
import jakarta.persistence.MappedSuperclass;
import java.time.Instant;
import java.util.UUID;

/** A resource PullBridge works on through jobs: a versioned row with a status that follows its latest job. */
@MappedSuperclass
public abstract class ResourceEntity extends VersionedEntity {

    @Embedded
    private ResourceStatus status;

    protected ResourceEntity() {
    }

    protected ResourceEntity(UUID id, Instant now, String createdBy, String pendingMessage) {
        super(id, now, createdBy);
        this.status = ResourceStatus.pending(pendingMessage);
    }

    public ResourceStatus getStatus() {
        return status;
    }
}
