package io.pullbridge.registries;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;

interface RegistryRepository extends JpaRepository<Registry, UUID>, JpaSpecificationExecutor<Registry> {

    @Query("select r from Registry r where lower(r.resourceId) = lower(?1)")
    Optional<Registry> findByResourceIdIgnoreCase(String resourceId);
}
