package io.pullbridge.registries;

import io.pullbridge.common.Reference;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;

interface RegistryTokenRepository extends JpaRepository<RegistryToken, UUID>, JpaSpecificationExecutor<RegistryToken> {

    @Query("select t from RegistryToken t where t.registryId = ?1 and lower(t.name) = lower(?2)")
    Optional<RegistryToken> findByRegistryIdAndNameIgnoreCase(UUID registryId, String name);

    @Query("select new io.pullbridge.common.Reference('registry-token', t.id, t.name) from RegistryToken t "
            + "where t.registryId = ?1 order by t.createdAt, t.id")
    List<Reference> findReferencesByRegistryId(UUID registryId);

    /**
     * Tokens whose current password has lived {@code fraction} of its lifetime by {@code now}, and that are not
     * being deleted nor in the middle of a rotation.
     */
    @Query(nativeQuery = true, value = """
            select id from registry_tokens
            where credential_ciphertext is not null and credential_created_at is not null
              and credential_expires_at is not null and retiring_slot is null and phase <> 'Deleting'
              and credential_created_at + (credential_expires_at - credential_created_at) * cast(?1 as double precision)
                  <= cast(?2 as timestamptz)
            order by credential_expires_at, id""")
    List<UUID> findIdsDueForRotation(double fraction, Instant now);

    /**
     * Locks the row until the transaction ends, as a delete does before it looks for references: whatever is about
     * to reference the row ({@link #lockForUse}) waits for the delete to commit, or the delete waits for it.
     */
    @Query(value = "select cast(id as text) from registry_tokens where id = ?1 for update", nativeQuery = true)
    Optional<String> lockForDelete(UUID id);

    /** Locks the row FOR SHARE until the transaction ends, as a resource about to reference it does. */
    @Query(value = "select cast(id as text) from registry_tokens where id = ?1 for share", nativeQuery = true)
    Optional<String> lockForUse(UUID id);
}
