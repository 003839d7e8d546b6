package io.pullbridge.bindings.workload;

import io.pullbridge.bindings.BindingMethod;
import io.pullbridge.bindings.BindingMethodHandler;
import io.pullbridge.bindings.BindingRecords;
import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.WorkloadIdentityStatus;
import io.pullbridge.clusters.ClusterService;
import io.pullbridge.clusters.ClusterView;
import io.pullbridge.common.Condition;
import io.pullbridge.common.ManagedIdentities.Identity;
import io.pullbridge.common.RoleAssignments;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.registries.RegistryService;
import io.pullbridge.registries.RegistryView;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Workload-identity bindings: the Azure side ({@link WorkloadIdentityAzure}) then the cluster side
 * ({@link WorkloadIdentityCluster}) on apply and reconcile, the cluster side first on delete. Level-triggered: every
 * pass compares with the world and repairs what drifted (a re-created cluster's new issuer, a deleted federated
 * credential, role assignment, identity, AcrPullBinding or annotation), recording the drift it repaired.
 */
@Component
class WorkloadIdentityHandler implements BindingMethodHandler {

    static final String CONDITION = "WorkloadIdentityFederated";

    private final WorkloadIdentityRequests requests;
    private final WorkloadIdentityAzure azure;
    private final WorkloadIdentityCluster cluster;
    private final ClusterService clusters;
    private final RegistryService registries;
    private final BindingRecords records;
    private final Clock clock;

    WorkloadIdentityHandler(WorkloadIdentityRequests requests, WorkloadIdentityAzure azure,
                            WorkloadIdentityCluster cluster, ClusterService clusters, RegistryService registries,
                            BindingRecords records, Clock clock) {
        this.requests = requests;
        this.azure = azure;
        this.cluster = cluster;
        this.clusters = clusters;
        this.registries = registries;
        this.records = records;
        this.clock = clock;
    }

    @Override
    public BindingMethod method() {
        return BindingMethod.WORKLOAD_IDENTITY;
    }

    @Override
    public String condition() {
        return CONDITION;
    }

    @Override
    public Requests requests() {
        return requests;
    }

    @Override
    public JobResult apply(JobContext job, BindingSnapshot binding) throws Exception {
        ClusterView target = clusters.find(binding.clusterId()).orElseThrow(() -> gone("cluster"));
        RegistryView registry = registries.find(binding.registryId()).orElseThrow(() -> gone("registry"));
        List<String> drift = new ArrayList<>();
        WorkloadIdentityAzure.ClusterFacts facts = azure.cluster(job, target);
        Identity identity = azure.identity(job, binding, facts, drift);
        List<String> credentials = azure.federate(job, binding, identity, facts.issuer(), drift);
        RoleAssignments.Assignment assignment = azure.grant(job, binding, registry, identity, drift);
        List<String> objects = cluster.apply(job, binding, target, registry, identity, drift);
        WorkloadIdentityStatus recorded = binding.workloadIdentityStatus();
        boolean adoptedBefore = recorded != null && assignment.id().equalsIgnoreCase(recorded.roleAssignmentId())
                && !recorded.assignmentCreatedByPullBridge();
        WorkloadIdentityStatus status = new WorkloadIdentityStatus(identity.id(), identity.clientId(),
                identity.principalId(), identity.tenantId(), binding.workloadIdentity().identityResourceId() == null,
                facts.issuer(), credentials, assignment.id(), assignment.role().roleName(),
                assignment.createdByPullBridge() && !adoptedBefore, objects, clock.instant());
        job.step("record", () -> {
            records.update(job, binding.id(), row -> {
                row.setWorkloadIdentityStatus(status);
                row.reconciled(clock.instant(), drift);
                row.getStatus().setCondition(new Condition(CONDITION, "True", "Federated", credentials.size()
                        + " ServiceAccount(s) in " + binding.workloadIdentity().namespace() + " pull as identity "
                        + identity.name() + " (" + assignment.role().roleName() + ")", clock.instant()));
                row.touched(clock.instant());
            });
            return drift.isEmpty() ? "no drift" : "repaired: " + String.join("; ", drift);
        });
        return JobResult.done((drift.isEmpty() ? "" : "Repaired drift (" + String.join("; ", drift) + "). ")
                + credentials.size() + " ServiceAccount(s) in " + binding.workloadIdentity().namespace()
                + " federated with identity " + identity.name() + ", delivered by "
                + binding.workloadIdentity().delivery());
    }

    @Override
    public Verification verify(JobContext job, BindingSnapshot binding) throws Exception {
        ClusterView target = clusters.find(binding.clusterId()).orElseThrow(() -> gone("cluster"));
        RegistryView registry = registries.find(binding.registryId()).orElseThrow(() -> gone("registry"));
        WorkloadIdentityAzure.ClusterFacts facts = azure.cluster(job, target);
        List<String> problems = new ArrayList<>();
        azure.verify(job, binding, registry, facts, problems);
        WorkloadIdentityStatus recorded = binding.workloadIdentityStatus();
        if (recorded != null) {
            Identity identity = new Identity(recorded.identityId(), recorded.identityId()
                    .substring(recorded.identityId().lastIndexOf('/') + 1), null, recorded.clientId(),
                    recorded.principalId(), recorded.tenantId(), null);
            cluster.verify(job, binding, target, registry, identity, problems);
        }
        return new Verification(problems, ". The next reconcile pass repairs it");
    }

    @Override
    public Optional<JobResult.RetryAfter> remove(JobContext job, BindingSnapshot binding) throws Exception {
        ClusterView target = clusters.find(binding.clusterId()).orElseThrow(() -> gone("cluster"));
        job.step("remove-cluster-objects", () -> cluster.remove(job, binding, target));
        job.step("remove-azure-objects", () -> {
            String detail = azure.remove(binding);
            records.update(job, binding.id(), row -> row.setWorkloadIdentityStatus(null));
            return detail;
        });
        return Optional.empty();
    }

    @Override
    public Optional<String> rotateRefusal() {
        return Optional.of("a federated identity, which has no password to rotate");
    }

    private static JobFailure gone(String what) {
        return JobFailure.permanent("invalid-state", "The binding's " + what + " is gone", 409,
                "The " + what + " this binding names is no longer registered");
    }
}
