package io.pullbridge.bindings.connected;

import io.pullbridge.bindings.ConnectedRegistries;
import io.pullbridge.clusters.ClusterApi;
import io.pullbridge.clusters.ClusterConnections;
import io.pullbridge.clusters.ClusterKind;
import io.pullbridge.clusters.ClusterView;
import io.pullbridge.clusters.ConnectedClusterDirectory;
import io.pullbridge.common.Cidr;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.registries.RegistryDirectory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The checks a connected-registry pass makes before anything changes, each a step with a problem type of its own. */
@Component
class ConnectedRegistryChecks {

    static final String PROBLEMS = "connected-registry-";

    private final ConnectedRegistries connected;
    private final RegistryDirectory registryDirectory;
    private final ConnectedClusterDirectory connectedClusters;
    private final ClusterConnections connections;

    ConnectedRegistryChecks(ConnectedRegistries connected, RegistryDirectory registryDirectory,
                            ConnectedClusterDirectory connectedClusters, ClusterConnections connections) {
        this.connected = connected;
        this.registryDirectory = registryDirectory;
        this.connectedClusters = connectedClusters;
        this.connections = connections;
    }

    void check(JobContext job, ConnectedRegistryTarget target) throws Exception {
        job.step("check-registry", () -> {
            RegistryDirectory.RegistryFacts facts = registryDirectory.read(target.registryId()).orElseThrow(() ->
                    JobFailure.permanent(PROBLEMS + "registry-not-found", "The registry is gone", 422,
                            "Registry " + target.registryId() + " does not exist in Azure"));
            if (!"Premium".equalsIgnoreCase(facts.sku())) {
                throw JobFailure.permanent(PROBLEMS + "needs-premium",
                        "Connected registries need a Premium registry", 422, "Registry " + facts.name() + " is "
                                + facts.sku() + "; connected registries need Premium: az acr update -n "
                                + facts.name() + " --sku Premium");
            }
            if (!facts.dataEndpointEnabled()) {
                throw JobFailure.permanent(PROBLEMS + "data-endpoint-disabled",
                        "The registry's dedicated data endpoint is disabled", 422, "Registry " + facts.name()
                                + " has no dedicated data endpoint, through which connected registries sync; enable "
                                + "it: az acr update -n " + facts.name() + " --data-endpoint-enabled");
            }
            return facts.name() + " is Premium with its dedicated data endpoint enabled";
        });
        job.step("check-cluster", () -> {
            ClusterView cluster = target.cluster();
            if (cluster.kind() != ClusterKind.ARC || cluster.resourceId() == null) {
                throw JobFailure.permanent(PROBLEMS + "needs-arc-cluster",
                        "Connected registries run on Arc-enabled clusters", 422, "Cluster " + cluster.name()
                                + " is of kind " + cluster.kind() + "; the connected registry extension needs an "
                                + "Arc-enabled cluster (kind arc)");
            }
            ConnectedClusterDirectory.ConnectedClusterFacts facts = connectedClusters.read(cluster.resourceId())
                    .orElseThrow(() -> JobFailure.permanent(PROBLEMS + "arc-cluster-not-found",
                            "The Arc-enabled cluster does not exist in Azure", 422, "Cluster " + cluster.name()
                                    + ": " + cluster.resourceId() + " does not exist; connect the cluster to Azure "
                                    + "Arc (az connectedk8s connect) or fix its resourceId"));
            return cluster.resourceId() + " exists (" + facts.connectivityStatus() + ")";
        });
        job.step("check-cluster-ip", () -> {
            String ip = target.spec().clusterIP();
            InetAddress address;
            try {
                address = Cidr.parseIpLiteral(ip);
            } catch (IllegalArgumentException e) {
                address = null;
            }
            if (!(address instanceof Inet4Address)) {
                throw JobFailure.permanent("cluster-ip-not-ipv4", "The clusterIP is not an IPv4 address", 422,
                        ip + " is not an IPv4 address; the connected registry's Service needs one");
            }
            String cidr = target.cluster().serviceCidr();
            if (cidr != null && !Cidr.parse(cidr).contains(address)) {
                throw JobFailure.permanent("cluster-ip-outside-service-cidr",
                        "The clusterIP is outside the service CIDR", 422, ip + " is outside the service CIDR " + cidr
                                + " of cluster " + target.cluster().name() + "; pick a free address inside it");
            }
            boolean deployed = connected.readExtension(target.clusterResourceId(), target.extension()).isPresent();
            ClusterApi api = connections.open(job, target.cluster().id());
            Optional<ClusterApi.Service> holder = api.services().stream()
                    .filter(service -> service.clusterIps().contains(ip))
                    .filter(service -> !(deployed && "connected-registry".equals(service.namespace())))
                    .findFirst();
            if (holder.isPresent()) {
                throw JobFailure.permanent("cluster-ip-in-use", "The clusterIP is used by another Service", 422,
                        ip + " is the cluster IP of Service " + holder.get().namespace() + "/" + holder.get().name()
                                + " in cluster " + target.cluster().name() + "; pick a free address");
            }
            return ip + (cidr == null ? " (the cluster has no service CIDR recorded: only checked it is free)"
                    : " is inside " + cidr) + " and no other Service uses it";
        });
    }
}
