package io.pullbridge.bindings;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;

interface BindingRepository extends JpaRepository<Binding, UUID>, JpaSpecificationExecutor<Binding> {

    @Query("""
            select b from Binding b where b.registryId = ?1 and b.clusterId = ?2 and b.method = ?3
            and coalesce(b.secretName, '') = coalesce(?4, '')""")
    Optional<Binding> findTarget(UUID registryId, UUID clusterId, BindingMethod method, String secretName);

    @Query("select b.id from Binding b where b.registryId = ?1 order by b.createdAt")
    List<UUID> findIdsByRegistryId(UUID registryId);

    @Query("select b.id from Binding b where b.clusterId = ?1 order by b.createdAt")
    List<UUID> findIdsByClusterId(UUID clusterId);

    @Query("select b.id from Binding b where b.servicePrincipalId = ?1 order by b.createdAt")
    List<UUID> findIdsByServicePrincipalId(UUID servicePrincipalId);

    @Query("select b.id from Binding b where b.tokenId = ?1 order by b.createdAt")
    List<UUID> findIdsByTokenId(UUID tokenId);

    @Query(value = """
            select cast(id as text) from bindings where method = 'connected-registry' and registry_id = ?1
            and lower(connected_registry ->> 'name') = lower(?2)""", nativeQuery = true)
    List<String> findConnectedRegistryByName(UUID registryId, String name);

    @Query(value = """
            select cast(id as text) from bindings where method = 'connected-registry' and cluster_id = ?1
            and connected_registry ->> 'clusterIP' = ?2""", nativeQuery = true)
    List<String> findConnectedRegistryByClusterIp(UUID clusterId, String clusterIp);

    @Query(value = """
            select cast(id as text) from bindings where method = 'connected-registry' and cluster_id = ?1
            and lower(connected_registry ->> 'name') = lower(?2)""", nativeQuery = true)
    List<String> findConnectedRegistryOnClusterByName(UUID clusterId, String name);

    /** Bindings that reconciliation keeps true: every method that has jobs, unless being deleted. */
    @Query("select b.id from Binding b where b.method in ?1 and b.status.phase <> io.pullbridge.common.Phase.Deleting "
            + "order by b.createdAt")
    List<UUID> findReconcilable(java.util.Collection<BindingMethod> methods);
}
