package io.pullbridge.principals;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.EntityGraph;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;

interface ServicePrincipalRepository extends JpaRepository<ServicePrincipal, UUID>,
        JpaSpecificationExecutor<ServicePrincipal> {

    /** With its grants: responses are built after the transaction, when a lazy collection can no longer load. */
    @EntityGraph(attributePaths = "grants")
    Optional<ServicePrincipal> findWithGrantsById(UUID id);

    Optional<ServicePrincipal> findByTenantIdAndAppId(UUID tenantId, UUID appId);

    @Query("select p from ServicePrincipal p where p.tenantId = ?1 and lower(p.displayName) = lower(?2) "
            + "and p.mode = io.pullbridge.principals.PrincipalMode.CREATE")
    Optional<ServicePrincipal> findCreatedByDisplayName(UUID tenantId, String displayName);

    @Query("select distinct p.id from ServicePrincipal p join p.grants g where g.registryId = ?1")
    List<UUID> findIdsGrantedOn(UUID registryId);
}
