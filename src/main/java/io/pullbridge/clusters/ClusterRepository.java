package io.pullbridge.clusters;

import io.pullbridge.common.Phase;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;

interface ClusterRepository extends JpaRepository<Cluster, UUID>, JpaSpecificationExecutor<Cluster> {

    @Query("select c from Cluster c where lower(c.name) = lower(?1)")
    Optional<Cluster> findByNameIgnoreCase(String name);

    @Query("select c from Cluster c where lower(c.resourceId) = lower(?1)")
    Optional<Cluster> findByResourceIdIgnoreCase(String resourceId);

    /** Clusters in one of the phases whose last probe was before {@code due} (or that were never probed). */
    @Query("select c.id from Cluster c where c.status.phase in ?1 and (c.probedAt is null or c.probedAt < ?2)")
    List<UUID> findDueForProbe(List<Phase> phases, Instant due);

    /**
     * Locks the row until the transaction ends, as a delete does before it looks for references: whatever is about
     * to reference the row ({@link #lockForUse}) waits for the delete to commit, or the delete waits for it.
     */
    @Query(value = "select cast(id as text) from clusters where id = ?1 for update", nativeQuery = true)
    Optional<String> lockForDelete(UUID id);

    /** Locks the row FOR SHARE until the transaction ends, as a resource about to reference it does. */
    @Query(value = "select cast(id as text) from clusters where id = ?1 for share", nativeQuery = true)
    Optional<String> lockForUse(UUID id);
}
