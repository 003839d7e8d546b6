package io.pullbridge.registries;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;

interface RegistryRepository extends JpaRepository<Registry, UUID>, JpaSpecificationExecutor<Registry> {

    @Query("select r from Registry r where lower(r.resourceId) = lower(?1)")
    Optional<Registry> findByResourceIdIgnoreCase(String resourceId);

    /**
     * Locks the row until the transaction ends, as a delete does before it looks for references: whatever is about
     * to reference the row ({@link #lockForUse}) waits for the delete to commit, or the delete waits for it.
     */
    @Query(value = "select cast(id as text) from registries where id = ?1 for update", nativeQuery = true)
    Optional<String> lockForDelete(UUID id);

    /** Locks the row FOR SHARE until the transaction ends, as a resource about to reference it does. */
    @Query(value = "select cast(id as text) from registries where id = ?1 for share", nativeQuery = true)
    Optional<String> lockForUse(UUID id);
}
