package io.pullbridge.clusters;

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
}
