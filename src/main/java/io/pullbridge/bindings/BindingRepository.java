package io.pullbridge.bindings;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface BindingRepository extends JpaRepository<Binding, UUID>, JpaSpecificationExecutor<Binding> {

    /**
     * The binding that already does what a new one would (the unique index {@code bindings_target_uk}): the same
     * registry, cluster and method, and the same secret name, or for workload identity the same namespace.
     */
    @Query(value = """
            select * from bindings where registry_id = ?1 and cluster_id = ?2 and method = ?3
            and coalesce(secret_name, '') = coalesce(?4, '')
            and coalesce(workload_identity ->> 'namespace', '') = coalesce(?5, '')""", nativeQuery = true)
    Optional<Binding> findTarget(UUID registryId, UUID clusterId, String method, String secretName,
                                 String namespace);

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
    List<UUID> findReconcilable(Collection<BindingMethod> methods);

    /**
     * Waits for, then holds until the transaction ends, the advisory lock under {@code key}: a kubelet role
     * assignment's ({@code bindings.kubelet.KubeletIdentityAccess}) or a user-assigned identity's federated
     * credentials ({@code bindings.workload.WorkloadIdentityAzure}).
     */
    @Query(value = "select count(*) from (select pg_advisory_xact_lock(?1)) locked", nativeQuery = true)
    long lockAdvisory(long key);

    /** Records the assignment a kubelet-identity binding's attach made or found, before its job records it. */
    @Modifying
    @Query(value = "update bindings set kubelet_claim = ?2 where id = ?1", nativeQuery = true)
    int claimKubeletAssignment(UUID bindingId, String assignmentId);

    /** The other live (not Deleting) bindings that claim or hold this role assignment. */
    @Query(value = """
            select cast(id as text) from bindings
            where method = 'kubelet-identity' and id <> ?2 and phase <> 'Deleting'
              and (lower(kubelet_claim) = lower(?1) or lower(kubelet_assignment ->> 'assignmentId') = lower(?1))
            order by created_at, id""", nativeQuery = true)
    List<String> findOtherKubeletHolders(String assignmentId, UUID bindingId);

    /** The other live (not Deleting) workload-identity bindings that hold this role assignment. */
    @Query(value = """
            select cast(id as text) from bindings
            where method = 'workload-identity' and id <> ?2 and phase <> 'Deleting'
              and lower(workload_identity_status ->> 'roleAssignmentId') = lower(?1)
            order by created_at, id""", nativeQuery = true)
    List<String> findOtherWorkloadIdentityHolders(String assignmentId, UUID bindingId);
}
