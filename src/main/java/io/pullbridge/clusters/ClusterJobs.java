package io.pullbridge.clusters;

import io.pullbridge.common.ArmResourceId;
import io.pullbridge.common.Phase;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobHandler;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.jobs.ReconcileSource;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The clusters' jobs. {@code cluster.connect} (on registration, and when a new kubeconfig is given) reads the
 * cluster from Azure (aks: version, location and kubelet identity; arc: the connected cluster), connects to its API
 * server, reads its version and counts its namespaces; a failure to connect sets {@code Reachable=False} with the
 * reason and fails the job (transient when the server is unreachable, permanent when it refuses PullBridge), so the
 * cluster ends {@code Ready} or {@code Failed}. {@code cluster.probe}, enqueued for {@code Ready} and
 * {@code Degraded} clusters every {@code pullbridge.clusters.probe-interval}, does the same without moving the
 * cluster through {@code Provisioning}: an unreachable cluster turns {@code Degraded}, and back {@code Ready} when it
 * answers again.
 */
@Component
class ClusterJobs implements JobHandler, ReconcileSource {

    static final String CONNECT = "cluster.connect";
    static final String PROBE = "cluster.probe";

    private final ClusterRepository clusters;
    private final ClusterConnections connections;
    private final ManagedClusterDirectory managedClusters;
    private final ConnectedClusterDirectory connectedClusters;
    private final ClustersProperties properties;
    private final TransactionTemplate tx;
    private final Clock clock;

    ClusterJobs(ClusterRepository clusters, ClusterConnections connections, ManagedClusterDirectory managedClusters,
                ConnectedClusterDirectory connectedClusters, ClustersProperties properties, TransactionTemplate tx,
                Clock clock) {
        this.clusters = clusters;
        this.connections = connections;
        this.managedClusters = managedClusters;
        this.connectedClusters = connectedClusters;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public Set<String> types() {
        return Set.of(CONNECT, PROBE);
    }

    /** Ready and Degraded clusters whose last probe is older than the probe interval. */
    @Override
    public List<JobRequest> reconcileRequests() {
        Instant due = clock.instant().minus(properties.probeInterval());
        return tx.execute(status -> clusters.findDueForProbe(List.of(Phase.Ready, Phase.Degraded), due)).stream()
                .map(id -> JobRequest.of(PROBE, ResourceKinds.CLUSTER, id))
                .toList();
    }

    @Override
    public JobResult handle(JobContext context) throws Exception {
        boolean probe = context.type().equals(PROBE);
        ClusterConnections.Target target;
        try {
            target = connections.target(context.targetId(), false);
        } catch (JobFailure gone) {
            return JobResult.done("nothing to do: " + gone.problem().detail());
        }
        if (probe && target.phase() != Phase.Ready && target.phase() != Phase.Degraded) {
            return JobResult.done("not probed: the cluster is " + target.phase());
        }
        try {
            readFromAzure(context, target);
        } catch (JobFailure failure) {
            if (probe && !failure.isTransient()) {
                degrade(context, context.targetId(), failure.problem().detail());
                return JobResult.done("Degraded: " + failure.problem().detail());
            }
            throw failure;
        }
        AtomicReference<String> reached = new AtomicReference<>();
        try {
            context.step("connect", () -> {
                // Read again: the Azure step may just have recorded how the cluster is signed in to.
                ClusterApi api = ClusterConnections.protect(context,
                        connections.connect(connections.target(context.targetId(), false)));
                String version = api.serverVersion();
                int namespaces = api.namespaces(null).size();
                String detail = "Kubernetes " + version + ", " + namespaces
                        + (namespaces == 1 ? " namespace" : " namespaces");
                record(context, context.targetId(), cluster -> {
                    cluster.reached(version, namespaces, clock.instant());
                    if (probe && cluster.getStatus().phase() == Phase.Degraded) {
                        cluster.getStatus().moveTo(Phase.Ready, detail);
                    }
                });
                reached.set(detail);
                return detail + " at " + target.kind() + " cluster " + target.name();
            });
        } catch (JobFailure failure) {
            String reason = ClusterProblems.unreachableReason(failure.problem());
            if (reason != null) {
                record(context, context.targetId(), cluster -> cluster.unreachable(reason, failure.problem().detail(),
                        clock.instant()));
            }
            if (probe && reason != null) {
                degrade(context, context.targetId(), failure.problem().detail());
                return JobResult.done("Degraded: " + reason);
            }
            throw failure;
        }
        return JobResult.done(reached.get());
    }

    private void readFromAzure(JobContext context, ClusterConnections.Target target) throws Exception {
        if (target.kind() == ClusterKind.AKS) {
            context.step("read-managed-cluster", () -> {
                ManagedClusterDirectory.ManagedClusterFacts facts = managedClusters.read(target.resourceId())
                        .orElseThrow(() -> notInAzure(target.resourceId(), ArmResourceId.ResourceType.MANAGED_CLUSTER,
                                "AKS cluster", "Azure Kubernetes Service Cluster User Role and Reader"));
                record(context, target.id(), cluster -> cluster.observe(facts));
                ManagedClusterDirectory.KubeletIdentity kubelet = facts.kubeletIdentity();
                return "Kubernetes " + facts.kubernetesVersion() + " in " + facts.location() + ", kubelet identity "
                        + (kubelet == null ? "unknown" : kubelet.objectId()
                        + (kubelet.servicePrincipal() ? " (service principal)" : ""));
            });
        } else if (target.kind() == ClusterKind.ARC) {
            context.step("read-connected-cluster", () -> {
                ConnectedClusterDirectory.ConnectedClusterFacts facts = connectedClusters.read(target.resourceId())
                        .orElseThrow(() -> notInAzure(target.resourceId(),
                                ArmResourceId.ResourceType.CONNECTED_CLUSTER, "Arc-connected cluster", "Reader"));
                record(context, target.id(), cluster -> cluster.observe(facts));
                return facts.distribution() + " " + facts.kubernetesVersion() + " in " + facts.location() + ", "
                        + facts.connectivityStatus();
            });
        }
    }

    /**
     * Changes the cluster in a transaction of its own, fenced by the job's run token, unless it went or is being
     * deleted meanwhile.
     */
    private void record(JobContext context, UUID id, Consumer<Cluster> change) {
        context.fenced(() -> clusters.findById(id)
                .filter(cluster -> cluster.getStatus().phase() != Phase.Deleting)
                .ifPresent(cluster -> {
                    change.accept(cluster);
                    cluster.touched(clock.instant());
                }));
    }

    private void degrade(JobContext context, UUID id, String message) {
        record(context, id, cluster -> {
            if (cluster.getStatus().phase() == Phase.Ready || cluster.getStatus().phase() == Phase.Degraded) {
                cluster.getStatus().moveTo(Phase.Degraded, message);
                cluster.getStatus().observed(clock.instant());
            }
        });
    }

    private static JobFailure notInAzure(String resourceId, ArmResourceId.ResourceType type, String what,
                                         String role) {
        ArmResourceId id = ArmResourceId.parse(resourceId, type);
        return JobFailure.permanent("azure-cluster-not-found", "The cluster does not exist in Azure", 404,
                "No " + what + " " + id.name() + " in resource group " + id.resourceGroup() + " of subscription "
                        + id.subscriptionId() + ", or PullBridge's identity may not read it (it needs " + role
                        + " on the cluster); check the resource id, then retry the job");
    }
}
