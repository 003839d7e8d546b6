package io.pullbridge.registries;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;

interface RegistryTokenRepository extends JpaRepository<RegistryToken, UUID>, JpaSpecificationExecutor<RegistryToken> {

    @Query("select t from RegistryToken t where t.registryId = ?1 and lower(t.name) = lower(?2)")
    Optional<RegistryToken> findByRegistryIdAndNameIgnoreCase(UUID registryId, String name);

    @Query("select t.id from RegistryToken t where t.registryId = ?1")
    List<UUID> findIdsByRegistryId(UUID registryId);
}
