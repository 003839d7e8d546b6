package io.pullbridge.principals;

import io.pullbridge.common.Reference;
import java.time.Instant;
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

    Optional<ServicePrincipal> findByTenantIdAndObjectId(UUID tenantId, UUID objectId);

    @Query("select p from ServicePrincipal p where p.tenantId = ?1 and lower(p.displayName) = lower(?2) "
            + "and p.mode = io.pullbridge.principals.PrincipalMode.CREATE")
    Optional<ServicePrincipal> findCreatedByDisplayName(UUID tenantId, String displayName);

    // An adopted principal may have no display name: its application id names it then.
    @Query("select distinct new io.pullbridge.common.Reference('service-principal', p.id, "
            + "coalesce(p.displayName, cast(p.appId as string))) from ServicePrincipal p join p.grants g "
            + "where g.registryId = ?1")
    List<Reference> findReferencesGrantedOn(UUID registryId);

    /** The current password's age of every Ready principal PullBridge created, with no rotation in progress. */
    @Query("select new io.pullbridge.principals.ServicePrincipalRepository$PasswordAge(p.id, p.credentialCreatedAt, "
            + "p.credentialExpiresAt) from ServicePrincipal p where p.mode = io.pullbridge.principals.PrincipalMode.CREATE "
            + "and p.status.phase = io.pullbridge.common.Phase.Ready and p.provisionedAt is not null "
            + "and p.rotationStartedAt is null and p.credentialCreatedAt is not null "
            + "and p.credentialExpiresAt is not null")
    List<PasswordAge> findRotatable();

    record PasswordAge(UUID id, Instant createdAt, Instant expiresAt) {
    }

    /**
     * The Ready adopted principals whose current password PullBridge never signed in with: registered before
     * passwords were proven (V11), so never proven by an adopt job.
     */
    @Query("select p.id from ServicePrincipal p where p.mode = io.pullbridge.principals.PrincipalMode.ADOPT "
            + "and p.status.phase = io.pullbridge.common.Phase.Ready and p.provisionedAt is not null "
            + "and p.credentialVerifiedAt is null and p.credentialFingerprint is not null")
    List<UUID> findUnproven();

    /**
     * Locks the row until the transaction ends, as a delete does before it looks for references: whatever is about
     * to reference the row ({@link #lockForUse}) waits for the delete to commit, or the delete waits for it.
     */
    @Query(value = "select cast(id as text) from service_principals where id = ?1 for update", nativeQuery = true)
    Optional<String> lockForDelete(UUID id);

    /** Locks the row FOR SHARE until the transaction ends, as a resource about to reference it does. */
    @Query(value = "select cast(id as text) from service_principals where id = ?1 for share", nativeQuery = true)
    Optional<String> lockForUse(UUID id);
}
