package io.pullbridge.bindings.kubelet;

import io.pullbridge.bindings.BindingRecords;
import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.KubeletAssignment;
import io.pullbridge.clusters.ClusterService;
import io.pullbridge.clusters.ClusterView;
import io.pullbridge.clusters.ManagedClusterDirectory;
import io.pullbridge.common.ArmResourceId;
import io.pullbridge.common.AzureRole;
import io.pullbridge.common.RoleAssignments;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.registries.RegistryDirectory;
import io.pullbridge.registries.RegistryService;
import io.pullbridge.registries.RegistryView;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * AKS attach-acr as PullBridge does it: the cluster's current kubelet identity gets AcrPull (or, on a registry with
 * ABAC repository permissions, Container Registry Repository Reader) at the registry's scope, under the
 * deterministic assignment name {@link RoleAssignments} uses, so a retry never makes a second assignment. Detach
 * removes only an assignment PullBridge created; one it found already there and adopted stays, and the job says so.
 * <p>
 * Attach is level-triggered, so the same steps repair drift: an assignment someone removed is made again, and when
 * the cluster's kubelet identity or the registry's role model changed, the new assignment is made first and the
 * stale one (if PullBridge made it) removed after, so pulls keep working throughout.
 * <p>
 * Bindings can share one assignment: clusters that share a kubelet identity (AKS lets several clusters use one
 * user-assigned kubelet identity) bound to one registry land on the same deterministic assignment name. The
 * assignment is therefore reference-counted: it goes only with the last live binding that claims or holds it. The
 * count and the Azure call it guards run under a transaction-level advisory lock on (scope, principal, role), taken
 * by every assign and every removal, so a removal can never pass an assign that has just made (or found) the
 * assignment: the assign writes its claim on the binding row before that lock is released. Database locks, so two
 * replicas are covered too.
 */
@Component
class KubeletIdentityAccess {

    static final String ROLE_ASSIGNED = "RoleAssigned";

    private final ClusterService clusters;
    private final RegistryService registries;
    private final ManagedClusterDirectory managedClusters;
    private final RegistryDirectory registryDirectory;
    private final RoleAssignments assignments;
    private final BindingRecords bindings;
    private final TransactionTemplate tx;
    private final Clock clock;

    KubeletIdentityAccess(ClusterService clusters, RegistryService registries, ManagedClusterDirectory managedClusters,
                          RegistryDirectory registryDirectory, RoleAssignments assignments, BindingRecords bindings,
                          TransactionTemplate tx, Clock clock) {
        this.clusters = clusters;
        this.registries = registries;
        this.managedClusters = managedClusters;
        this.registryDirectory = registryDirectory;
        this.assignments = assignments;
        this.bindings = bindings;
        this.tx = tx;
        this.clock = clock;
    }

    /** What an attach pass made and found. */
    record Attached(KubeletAssignment assignment, List<String> drift) {
    }

    /**
     * Makes the binding's assignment true: reads the cluster's kubelet identity and the registry's role model,
     * assigns the role, and removes a stale assignment PullBridge made earlier.
     *
     * @param recorded what the binding held after its last pass, or null
     */
    Attached attach(JobContext job, BindingSnapshot binding, KubeletAssignment recorded) throws Exception {
        Target target = target(job, binding);
        List<String> drift = new ArrayList<>();
        if (recorded != null) {
            job.step("check-assignment", () -> {
                if (!recorded.principalObjectId().equals(target.kubeletObjectId())) {
                    drift.add("the cluster's kubelet identity changed from " + recorded.principalObjectId() + " to "
                            + target.kubeletObjectId());
                } else if (!recorded.role().equals(target.role().roleName())) {
                    drift.add("the registry now needs " + target.role().roleName() + " instead of " + recorded.role()
                            + (target.role() == AzureRole.REPOSITORY_READER ? " (ABAC repository permissions are on)"
                            : " (ABAC repository permissions are off)"));
                } else if (assignments.find(recorded.assignmentId()).isEmpty()) {
                    drift.add("role assignment " + recorded.assignmentId() + " was removed outside PullBridge");
                }
                return drift.isEmpty() ? "assignment " + recorded.assignmentId() + " is in place" : drift.get(0);
            });
        }
        KubeletAssignment made = job.step("assign-role", () -> {
            RoleAssignments.Assignment assignment = tx.execute(status -> {
                lock(target.scope(), target.kubeletObjectId(), target.role().roleName());
                RoleAssignments.Assignment assigned = assignments.assign(target.scope(), target.kubeletObjectId(),
                        RoleAssignments.PrincipalType.ServicePrincipal, target.role());
                bindings.claimKubeletAssignment(binding.id(), assigned.id());
                return assigned;
            });
            boolean sameAsRecorded = recorded != null && recorded.assignmentId().equalsIgnoreCase(assignment.id());
            // An assignment adopted once stays adopted: PullBridge must never come to think it may remove it.
            boolean ours = assignment.createdByPullBridge() && !(sameAsRecorded && !recorded.createdByPullBridge());
            return new KubeletAssignment(assignment.id(), target.kubeletObjectId(), target.role().roleName(),
                    target.scope(), ours, sameAsRecorded ? recorded.assignedAt() : clock.instant());
        }, assigned -> target.role().roleName() + " for kubelet identity " + target.kubeletObjectId() + " on registry "
                + target.registryName() + (assigned.createdByPullBridge() ? "" : " (the assignment already existed: "
                + "adopted, and detach will leave it in place)"));
        if (recorded != null && !recorded.assignmentId().equalsIgnoreCase(made.assignmentId())) {
            job.step("remove-stale-assignment", () -> detachDetail(binding.id(), recorded));
        }
        return new Attached(made, drift);
    }

    /**
     * Removes the binding's assignment if PullBridge made it and no other live binding claims or holds it; says what
     * it did either way.
     */
    String detach(UUID bindingId, KubeletAssignment recorded) {
        if (recorded == null) {
            return "no role assignment was made for this binding";
        }
        return detachDetail(bindingId, recorded);
    }

    /**
     * Checks that the binding's assignment exists, names the cluster's current kubelet identity, and has the role
     * the registry needs at the registry's scope.
     *
     * @return the problems found; empty when pulls are authorised
     */
    List<String> verify(JobContext job, BindingSnapshot binding, KubeletAssignment recorded) throws Exception {
        Target target = target(job, binding);
        List<String> problems = new ArrayList<>();
        job.step("check-assignment", () -> {
            if (recorded == null) {
                problems.add("PullBridge has not assigned a role for this binding yet");
                return problems.get(0);
            }
            Optional<RoleAssignments.Assignment> found = assignments.find(recorded.assignmentId());
            if (found.isEmpty()) {
                problems.add("role assignment " + recorded.assignmentId() + " does not exist");
                return problems.get(0);
            }
            RoleAssignments.Assignment assignment = found.get();
            if (!target.kubeletObjectId().equals(assignment.principalObjectId())) {
                problems.add("the assignment names principal " + assignment.principalObjectId()
                        + ", but the cluster's kubelet identity is " + target.kubeletObjectId());
            }
            if (assignment.role() != target.role()) {
                problems.add("the assignment grants " + (assignment.role() == null ? "another role"
                        : assignment.role().roleName()) + ", but pulls from " + target.registryName() + " need "
                        + target.role().roleName());
            }
            if (!sameScope(assignment.scope(), target.scope())) {
                problems.add("the assignment is at " + assignment.scope() + ", not at the registry " + target.scope());
            }
            return problems.isEmpty() ? target.role().roleName() + " for " + target.kubeletObjectId() + " at "
                    + target.registryName() + " is in place" : String.join("; ", problems);
        });
        return problems;
    }

    private String detachDetail(UUID bindingId, KubeletAssignment recorded) {
        String assignment = "role assignment " + recorded.assignmentId() + " (" + recorded.role() + " for "
                + recorded.principalObjectId() + ")";
        if (!recorded.createdByPullBridge()) {
            return "left " + assignment + " in place: it existed before PullBridge adopted it";
        }
        return tx.execute(status -> {
            lock(recorded.scope(), recorded.principalObjectId(), recorded.role());
            List<String> others = bindings.otherKubeletHolders(recorded.assignmentId(), bindingId);
            if (!others.isEmpty()) {
                return "left " + assignment + " in place: " + (others.size() == 1 ? "binding " + others.get(0)
                        + " still needs it" : others.size() + " other bindings still need it ("
                        + String.join(", ", others) + ")") + "; it goes with the last of them";
            }
            assignments.remove(recorded.assignmentId());
            return "removed " + assignment + ", which PullBridge had created";
        });
    }

    /** Takes the transaction-level advisory lock of one (scope, principal, role) assignment. */
    private void lock(String scope, UUID principalObjectId, String roleName) {
        bindings.lock(strip(scope).toLowerCase(Locale.ROOT) + "|" + principalObjectId + "|" + roleName);
    }

    private record Target(String scope, String registryName, AzureRole role, UUID kubeletObjectId) {
    }

    private Target target(JobContext job, BindingSnapshot binding) throws Exception {
        ClusterView cluster = clusters.find(binding.clusterId()).orElseThrow(() -> gone("cluster"));
        RegistryView registry = registries.find(binding.registryId()).orElseThrow(() -> gone("registry"));
        ManagedClusterDirectory.KubeletIdentity identity = job.step("read-cluster", () -> {
            ManagedClusterDirectory.ManagedClusterFacts facts = managedClusters.read(cluster.resourceId())
                    .orElseThrow(() -> clusterNotFound(cluster.resourceId()));
            if (facts.kubeletIdentity() == null || facts.kubeletIdentity().objectId() == null) {
                throw JobFailure.permanent("kubelet-identity-missing", "The cluster has no kubelet identity", 422,
                        "Azure reports no kubelet identity for cluster " + cluster.name()
                        + " (identityProfile.kubeletidentity); attach-acr needs a managed identity cluster or a "
                        + "service principal cluster whose principal exists");
            }
            return facts.kubeletIdentity();
        }, kubelet -> "kubelet identity " + kubelet.objectId() + (kubelet.servicePrincipal()
                ? " (the cluster's service principal)" : " (managed identity)"));
        AzureRole role = job.step("read-registry", () -> {
            RegistryDirectory.RegistryFacts facts = registryDirectory.read(registry.resourceId())
                    .orElseThrow(() -> registryNotFound(registry.resourceId()));
            return facts.abacEnabled() ? AzureRole.REPOSITORY_READER : AzureRole.ACR_PULL;
        }, needed -> registry.name() + " needs " + needed.roleName()
                + (needed == AzureRole.REPOSITORY_READER ? " (ABAC repository permissions)" : ""));
        return new Target(registry.resourceId(), registry.name(), role, identity.objectId());
    }

    private static boolean sameScope(String a, String b) {
        return a != null && strip(a).equalsIgnoreCase(strip(b));
    }

    private static String strip(String scope) {
        return scope.endsWith("/") ? scope.substring(0, scope.length() - 1) : scope;
    }

    private static JobFailure gone(String what) {
        return JobFailure.permanent("invalid-state", "The binding's " + what + " is gone", 409,
                "The " + what + " this binding names is no longer registered");
    }

    private static JobFailure clusterNotFound(String resourceId) {
        ArmResourceId id = ArmResourceId.parse(resourceId, ArmResourceId.ResourceType.MANAGED_CLUSTER);
        return JobFailure.permanent("azure-cluster-not-found", "The AKS cluster does not exist", 404,
                "No managed cluster " + id.name() + " in resource group " + id.resourceGroup() + " of subscription "
                        + id.subscriptionId() + ", or PullBridge's identity may not read it (it needs Reader on the "
                        + "cluster)");
    }

    private static JobFailure registryNotFound(String resourceId) {
        ArmResourceId id = ArmResourceId.parse(resourceId, ArmResourceId.ResourceType.CONTAINER_REGISTRY);
        return JobFailure.permanent("azure-registry-not-found", "The registry does not exist", 404,
                "No registry " + id.name() + " in resource group " + id.resourceGroup() + " of subscription "
                        + id.subscriptionId() + ", or PullBridge's identity may not read it");
    }
}
