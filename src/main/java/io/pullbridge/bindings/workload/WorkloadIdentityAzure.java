package io.pullbridge.bindings.workload;

import io.pullbridge.bindings.BindingRecords;
import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.WorkloadIdentitySpec;
import io.pullbridge.bindings.WorkloadIdentityStatus;
import io.pullbridge.clusters.ClusterKind;
import io.pullbridge.clusters.ClusterView;
import io.pullbridge.clusters.ConnectedClusterDirectory;
import io.pullbridge.clusters.ManagedClusterDirectory;
import io.pullbridge.common.AzureRole;
import io.pullbridge.common.ManagedIdentities;
import io.pullbridge.common.ManagedIdentities.FederatedCredential;
import io.pullbridge.common.ManagedIdentities.Identity;
import io.pullbridge.common.RoleAssignments;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.registries.RegistryDirectory;
import io.pullbridge.registries.RegistryView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The Azure side of a workload-identity binding, as named idempotent steps: the cluster's OIDC issuer, the identity
 * (made under a deterministic name in the configured resource group, or the one the binding names), one federated
 * credential per ServiceAccount under a deterministic name, and the pull role at the registry's scope.
 * <p>
 * Entra keeps at most 20 federated credentials on an identity and applies one change to them at a time. An identity
 * PullBridge makes serves one binding of at most 20 ServiceAccounts, so it never fills; a named identity may hold
 * others' credentials, and a binding that would take it past 20 fails with {@code workload-identity-full} before
 * any write. Writes to one identity's credentials are serialised across jobs and replicas by a transaction-level
 * advisory lock on the identity; a write Entra still refuses as concurrent (409) is a transient failure, so the job
 * retries it after a back-off.
 */
@Component
class WorkloadIdentityAzure {

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String BINDING_TAG = "pullbridge.io/binding";

    private final ManagedClusterDirectory managedClusters;
    private final ConnectedClusterDirectory connectedClusters;
    private final RegistryDirectory registries;
    private final ManagedIdentities identities;
    private final RoleAssignments assignments;
    private final BindingRecords records;
    private final WorkloadIdentityProperties properties;
    private final TransactionTemplate tx;

    WorkloadIdentityAzure(ManagedClusterDirectory managedClusters, ConnectedClusterDirectory connectedClusters,
                          RegistryDirectory registries, ManagedIdentities identities, RoleAssignments assignments,
                          BindingRecords records, WorkloadIdentityProperties properties, TransactionTemplate tx) {
        this.managedClusters = managedClusters;
        this.connectedClusters = connectedClusters;
        this.registries = registries;
        this.identities = identities;
        this.assignments = assignments;
        this.records = records;
        this.properties = properties;
        this.tx = tx;
    }

    /** What Azure says of the cluster: its OIDC issuer and region. */
    record ClusterFacts(String issuer, String location) {
    }

    ClusterFacts cluster(JobContext job, ClusterView cluster) throws Exception {
        return job.step("read-cluster-issuer", () -> {
            String issuer;
            String location;
            if (cluster.kind() == ClusterKind.AKS) {
                ManagedClusterDirectory.ManagedClusterFacts facts = managedClusters.read(cluster.resourceId())
                        .orElseThrow(() -> notFound("AKS cluster", cluster));
                issuer = facts.oidcIssuerUrl();
                location = facts.location();
            } else {
                ConnectedClusterDirectory.ConnectedClusterFacts facts = connectedClusters.read(cluster.resourceId())
                        .orElseThrow(() -> notFound("Arc-enabled cluster", cluster));
                issuer = facts.oidcIssuerUrl();
                location = facts.location();
            }
            if (issuer == null) {
                throw JobFailure.permanent("cluster-without-oidc-issuer", "The cluster has no OIDC issuer", 422,
                        "Cluster " + cluster.name() + " has no OIDC issuer, so Entra cannot trust its ServiceAccount "
                                + "tokens: enable it (" + (cluster.kind() == ClusterKind.AKS
                                ? "az aks update --enable-oidc-issuer --enable-workload-identity"
                                : "az connectedk8s update --enable-oidc-issuer --enable-workload-identity")
                                + ") and retry the job");
            }
            return new ClusterFacts(issuer, location);
        }, facts -> "OIDC issuer " + facts.issuer());
    }

    /** The identity the binding uses: the one it names, or the one PullBridge makes for it. */
    Identity identity(JobContext job, BindingSnapshot binding, ClusterFacts cluster, List<String> drift)
            throws Exception {
        WorkloadIdentitySpec spec = binding.workloadIdentity();
        WorkloadIdentityStatus recorded = binding.workloadIdentityStatus();
        return job.step("ensure-identity", () -> {
            if (spec.identityResourceId() != null) {
                return identities.find(spec.identityResourceId()).orElseThrow(() -> JobFailure.permanent(
                        "workload-identity-not-found", "The identity does not exist", 422, "No user-assigned "
                                + "identity " + spec.identityResourceId() + ", or PullBridge's identity may not read "
                                + "it"));
            }
            String id = identityId(binding.id());
            if (recorded != null && identities.find(id).isEmpty()) {
                drift.add("identity " + id + " was deleted outside PullBridge (made again: its client id changed)");
            }
            String location = properties.location() == null || properties.location().isBlank() ? cluster.location()
                    : properties.location();
            return identities.ensure(id, location, Map.of(MANAGED_BY, "pullbridge", BINDING_TAG,
                    binding.id().toString()));
        }, identity -> "identity " + identity.name() + " (client id " + identity.clientId() + ")"
                + (spec.identityResourceId() == null ? "" : ", named by the binding"));
    }

    /**
     * Makes the identity's federated credentials those of the binding's ServiceAccounts under the cluster's current
     * issuer, and removes the ones PullBridge made for ServiceAccounts the binding no longer names.
     *
     * @return the names of the binding's credentials
     */
    List<String> federate(JobContext job, BindingSnapshot binding, Identity identity, String issuer,
                          List<String> drift) throws Exception {
        WorkloadIdentitySpec spec = binding.workloadIdentity();
        Map<String, FederatedCredential> wanted = wanted(binding, issuer);
        List<String> previous = binding.workloadIdentityStatus() == null ? List.of()
                : binding.workloadIdentityStatus().federatedCredentials();
        return job.step("federate-service-accounts", () -> tx.execute(status -> {
            records.lock(("federated-credentials|" + identity.id()).toLowerCase(Locale.ROOT));
            Map<String, FederatedCredential> existing = new LinkedHashMap<>();
            identities.federatedCredentials(identity.id()).forEach(found -> existing.put(found.name(), found));
            long others = existing.keySet().stream()
                    .filter(name -> !wanted.containsKey(name) && !previous.contains(name)).count();
            if (others + wanted.size() > ManagedIdentities.MAX_FEDERATED_CREDENTIALS) {
                throw JobFailure.permanent("workload-identity-full", "The identity has no room for more federated "
                        + "credentials", 422, "Identity " + identity.id() + " holds " + others + " federated "
                        + "credentials PullBridge did not make for this binding; with this binding's "
                        + wanted.size() + " it would pass Entra's limit of "
                        + ManagedIdentities.MAX_FEDERATED_CREDENTIALS + ". Name another identity, or let PullBridge "
                        + "create one (leave identityResourceId out)");
            }
            for (FederatedCredential credential : wanted.values()) {
                FederatedCredential found = existing.get(credential.name());
                if (found == null || !found.trustsTheSameAs(credential)) {
                    if (found != null) {
                        drift.add("federated credential " + credential.name() + " trusted " + found.issuer() + " for "
                                + found.subject() + ", not " + credential.issuer() + " (the cluster's issuer changed?)");
                    } else if (previous.contains(credential.name())) {
                        drift.add("federated credential " + credential.name() + " for " + credential.subject()
                                + " was deleted outside PullBridge");
                    }
                    identities.put(identity.id(), credential);
                }
            }
            for (String name : previous) {
                if (!wanted.containsKey(name) && existing.containsKey(name)) {
                    identities.remove(identity.id(), name);
                }
            }
            return List.copyOf(wanted.keySet());
        }), names -> names.size() + " federated credential(s) for " + String.join(", ", spec.serviceAccounts())
                + " in " + spec.namespace() + " trusting " + issuer);
    }

    /** The role the binding's identity gets, at the registry's scope. */
    RoleAssignments.Assignment grant(JobContext job, BindingSnapshot binding, RegistryView registry, Identity identity,
                                     List<String> drift) throws Exception {
        WorkloadIdentityStatus recorded = binding.workloadIdentityStatus();
        boolean abac = abac(job, registry);
        return job.step("assign-role", () -> {
            AzureRole role = role(abac);
            if (recorded != null && recorded.roleAssignmentId() != null
                    && identity.principalId().equals(recorded.principalId())
                    && assignments.find(recorded.roleAssignmentId()).isEmpty()) {
                drift.add("role assignment " + recorded.roleAssignmentId() + " was removed outside PullBridge");
            }
            return assignments.assign(registry.resourceId(), identity.principalId(),
                    RoleAssignments.PrincipalType.ServicePrincipal, role, condition(binding, abac));
        }, assignment -> assignment.role().roleName() + " for " + identity.name() + " on registry " + registry.name()
                + (assignment.condition() == null ? "" : ", limited to " + String.join(", ",
                binding.workloadIdentity().repositories()))
                + (assignment.createdByPullBridge() ? "" : " (the assignment already existed: adopted)"));
    }

    /** Checks, changing nothing, the identity, its role and its credentials; adds what is wrong to {@code problems}. */
    void verify(JobContext job, BindingSnapshot binding, RegistryView registry, ClusterFacts cluster,
                List<String> problems) throws Exception {
        WorkloadIdentityStatus recorded = binding.workloadIdentityStatus();
        boolean abac = abac(job, registry);
        job.step("check-azure", () -> {
            String id = binding.workloadIdentity().identityResourceId() != null
                    ? binding.workloadIdentity().identityResourceId() : identityId(binding.id());
            Optional<Identity> identity = identities.find(id);
            if (identity.isEmpty()) {
                problems.add("identity " + id + " does not exist");
                return problems.get(problems.size() - 1);
            }
            if (recorded == null || recorded.roleAssignmentId() == null) {
                problems.add("PullBridge has not assigned a role for this binding yet");
            } else {
                Optional<RoleAssignments.Assignment> assignment = assignments.find(recorded.roleAssignmentId());
                AzureRole role = role(abac);
                if (assignment.isEmpty()) {
                    problems.add("role assignment " + recorded.roleAssignmentId() + " does not exist");
                } else if (!identity.get().principalId().equals(assignment.get().principalObjectId())
                        || assignment.get().role() != role
                        || !strip(assignment.get().scope()).equalsIgnoreCase(strip(registry.resourceId()))) {
                    problems.add("role assignment " + recorded.roleAssignmentId() + " is not " + role.roleName()
                            + " for " + identity.get().principalId() + " at " + registry.resourceId());
                } else if (!Objects.equals(assignment.get().condition(), condition(binding, abac))) {
                    problems.add("role assignment " + recorded.roleAssignmentId() + " is not limited to the "
                            + "repositories " + binding.workloadIdentity().repositories());
                }
            }
            Map<String, FederatedCredential> existing = new LinkedHashMap<>();
            identities.federatedCredentials(id).forEach(found -> existing.put(found.name(), found));
            for (FederatedCredential credential : wanted(binding, cluster.issuer()).values()) {
                FederatedCredential found = existing.get(credential.name());
                if (found == null) {
                    problems.add("no federated credential for " + credential.subject());
                } else if (!found.trustsTheSameAs(credential)) {
                    problems.add("federated credential " + found.name() + " trusts " + found.issuer() + " for "
                            + found.subject() + " with audiences " + found.audiences() + ", not the cluster's issuer "
                            + credential.issuer() + " for " + credential.subject() + " with "
                            + credential.audiences());
                }
            }
            return problems.isEmpty() ? "identity, role and " + existing.size() + " federated credential(s) in place"
                    : String.join("; ", problems);
        });
    }

    /** Removes what PullBridge made in Azure for the binding, and only that: credentials, role, identity. */
    String remove(BindingSnapshot binding) {
        WorkloadIdentityStatus recorded = binding.workloadIdentityStatus();
        if (recorded == null) {
            return "nothing was made in Azure for this binding";
        }
        List<String> done = new ArrayList<>();
        tx.executeWithoutResult(status -> {
            records.lock(("federated-credentials|" + recorded.identityId()).toLowerCase(Locale.ROOT));
            for (String name : recorded.federatedCredentials()) {
                identities.remove(recorded.identityId(), name);
            }
        });
        done.add("removed " + recorded.federatedCredentials().size() + " federated credential(s)");
        if (recorded.roleAssignmentId() != null && recorded.assignmentCreatedByPullBridge()
                && (recorded.identityCreatedByPullBridge() || !sharedAssignment(binding, recorded))) {
            assignments.remove(recorded.roleAssignmentId());
            done.add("removed role assignment " + recorded.roleAssignmentId());
        } else if (recorded.roleAssignmentId() != null) {
            done.add("left role assignment " + recorded.roleAssignmentId() + " in place (PullBridge did not make it, "
                    + "or another binding of the identity needs it)");
        }
        if (recorded.identityCreatedByPullBridge()) {
            identities.delete(recorded.identityId());
            done.add("deleted identity " + recorded.identityId());
        } else {
            done.add("left identity " + recorded.identityId() + " in place (the binding named it)");
        }
        return String.join("; ", done);
    }

    private boolean sharedAssignment(BindingSnapshot binding, WorkloadIdentityStatus recorded) {
        return !records.otherWorkloadIdentityHolders(recorded.roleAssignmentId(), binding.id()).isEmpty();
    }

    /**
     * On a registry with ABAC repository permissions, the condition that limits the role to the binding's
     * repositories (none when it names none); elsewhere none, as AcrPull cannot be limited.
     */
    private static String condition(BindingSnapshot binding, boolean abac) {
        List<String> repositories = binding.workloadIdentity().repositories();
        return abac && !repositories.isEmpty() ? RoleAssignments.repositoryCondition(repositories) : null;
    }

    /** Whether the registry uses ABAC repository permissions now (it can be switched at any time). */
    private boolean abac(JobContext job, RegistryView registry) throws Exception {
        return job.step("read-registry", () -> registries.read(registry.resourceId())
                        .orElseThrow(() -> JobFailure.permanent("azure-registry-not-found", "The registry does not "
                                + "exist", 404, "No registry " + registry.resourceId() + ", or PullBridge's identity "
                                + "may not read it")).abacEnabled(),
                abac -> registry.name() + " needs " + role(abac).roleName()
                        + (abac ? " (ABAC repository permissions)" : ""));
    }

    private static AzureRole role(boolean abac) {
        return abac ? AzureRole.REPOSITORY_READER : AzureRole.ACR_PULL;
    }

    /** The credentials the binding wants: one per ServiceAccount, named after the cluster, namespace and account. */
    static Map<String, FederatedCredential> wanted(BindingSnapshot binding, String issuer) {
        WorkloadIdentitySpec spec = binding.workloadIdentity();
        Map<String, FederatedCredential> wanted = new LinkedHashMap<>();
        for (String serviceAccount : spec.serviceAccounts()) {
            String subject = "system:serviceaccount:" + spec.namespace() + ":" + serviceAccount;
            String name = "pullbridge-" + UUID.nameUUIDFromBytes((binding.clusterId() + "|" + subject)
                    .getBytes(StandardCharsets.UTF_8));
            wanted.put(name, new FederatedCredential(name, issuer, subject,
                    List.of(ManagedIdentities.ACR_TOKEN_EXCHANGE_AUDIENCE)));
        }
        return wanted;
    }

    /** The identity PullBridge makes for a binding: its name is the binding's, so a rerun finds it. */
    String identityId(UUID bindingId) {
        return strip(properties.resourceGroup()) + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/"
                + "pullbridge-" + bindingId;
    }

    private static String strip(String value) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    private static JobFailure notFound(String what, ClusterView cluster) {
        return JobFailure.permanent("azure-cluster-not-found", "The cluster does not exist in Azure", 404,
                "No " + what + " " + cluster.resourceId() + ", or PullBridge's identity may not read it");
    }
}
