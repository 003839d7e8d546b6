package io.pullbridge.clusters;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.jobs.JobRef;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.lifecycle.ResourceLifecycle;
import io.pullbridge.common.ArmResourceId;
import io.pullbridge.common.Cidr;
import io.pullbridge.common.KubernetesNames;
import io.pullbridge.common.Phase;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.Filters;
import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.RequestContext;
import io.pullbridge.web.Violations;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Clusters PullBridge manages pull access in. Kubeconfigs are checked by {@link KubeconfigParser}, stored only
 * encrypted, and never leave this module in clear text through the API, audit events or errors.
 */
@Service
public class ClusterService {

    private static final String AKS_KUBECONFIG_REFUSED =
            "must not be set for kind aks: PullBridge fetches AKS credentials through Azure";
    private static final String RECONNECT_MESSAGE = "Waiting for PullBridge to connect with the new kubeconfig";

    private final ClusterRepository clusters;
    private final KubeconfigParser kubeconfigs;
    private final SecretCipher cipher;
    private final ResourceLifecycle lifecycle;
    private final JobService jobs;
    private final AuditLog audit;
    private final Clock clock;

    ClusterService(ClusterRepository clusters, KubeconfigParser kubeconfigs, SecretCipher cipher,
                   ResourceLifecycle lifecycle, JobService jobs, AuditLog audit, Clock clock) {
        this.clusters = clusters;
        this.kubeconfigs = kubeconfigs;
        this.cipher = cipher;
        this.lifecycle = lifecycle;
        this.jobs = jobs;
        this.audit = audit;
        this.clock = clock;
    }

    /** The outcome of an update: the cluster, and the job that connects to it again, if it must. */
    record Updated(Cluster cluster, JobRef reconnection) {

        boolean reconnecting() {
            return reconnection != null;
        }
    }

    @Transactional
    Cluster create(CreateClusterRequest request) {
        Violations violations = new Violations();
        checkName(request.name(), violations);
        ClusterKind kind = request.kind();
        violations.check(kind != null, "kind", "is required: one of aks, kubeconfig, arc");
        ArmResourceId resourceId = null;
        Kubeconfig kubeconfig = null;
        if (kind != null) {
            resourceId = resourceId(kind, request.resourceId(), violations);
            if (kind == ClusterKind.AKS) {
                violations.check(request.kubeconfig() == null, "kubeconfig", AKS_KUBECONFIG_REFUSED);
            } else if (violations.check(request.kubeconfig() != null, "kubeconfig",
                    "is required for kind " + kind)) {
                kubeconfig = kubeconfig(request.kubeconfig(), violations);
            }
        }
        Cidr serviceCidr = serviceCidr(request.serviceCidr(), violations);
        violations.throwIfAny();

        String name = request.name();
        refuseTakenName(name, null);
        if (resourceId != null) {
            String canonical = resourceId.toString();
            clusters.findByResourceIdIgnoreCase(canonical).ifPresent(existing -> {
                throw ApiException.alreadyExists("resourceId", "The cluster " + canonical
                        + " is already registered as " + existing.getId());
            });
        }
        Cluster cluster = new Cluster(UUID.randomUUID(), name, kind,
                resourceId == null ? null : resourceId.toString(),
                resourceId == null ? null : resourceId.subscriptionId(),
                resourceId == null ? null : resourceId.resourceGroup(),
                serviceCidr == null ? null : serviceCidr.toString(), clock.instant(), RequestContext.actor());
        if (kubeconfig != null) {
            // The ciphertext is bound to the row's id, which is why the entity exists before it is encrypted.
            storeKubeconfig(cluster, request.kubeconfig(), kubeconfig);
        }
        JobRef job = jobs.enqueue(JobRequest.of(ClusterJobs.CONNECT, ResourceKinds.CLUSTER, cluster.getId()));
        cluster.getStatus().trackJob(job.id());
        cluster = clusters.saveAndFlush(cluster);
        audit.record("cluster.create", ResourceKinds.CLUSTER, cluster.getId(), describe(cluster, List.of()));
        return cluster;
    }

    @Transactional(readOnly = true)
    Cluster get(UUID id) {
        return clusters.findById(id).orElseThrow(() -> ApiException.notFound(ResourceKinds.CLUSTER, id));
    }

    @Transactional(readOnly = true)
    PageResponse<ClusterResponse> list(String name, String kind, Phase phase, PageQuery page) {
        ClusterKind clusterKind = null;
        if (kind != null) {
            clusterKind = ClusterKind.fromValue(kind);
            if (clusterKind == null) {
                throw ApiException.invalid("kind", "must be one of aks, kubeconfig, arc");
            }
        }
        return page.fetch(clusters, Specification.allOf(
                Filters.equalIgnoringCase("name", name),
                Filters.equal("kind", clusterKind),
                Filters.phase(phase)), ClusterResponse::of);
    }

    @Transactional
    Updated update(UUID id, UpdateClusterRequest request, String ifMatch) {
        Cluster cluster = get(id);
        lifecycle.checkChangeable(ResourceKinds.CLUSTER, cluster, ifMatch);

        Violations violations = new Violations();
        if (request.kind() != null && request.kind() != cluster.getKind()) {
            violations.add("kind", "cannot be changed; register the cluster anew under the other kind");
        }
        if (request.resourceId() != null && !sameResourceId(cluster, request.resourceId())) {
            violations.add("resourceId", "cannot be changed; register the other cluster on its own");
        }
        if (request.name() != null) {
            checkName(request.name(), violations);
        }
        Kubeconfig kubeconfig = null;
        if (request.kubeconfig() != null) {
            if (cluster.getKind() == ClusterKind.AKS) {
                violations.add("kubeconfig", AKS_KUBECONFIG_REFUSED);
            } else {
                kubeconfig = kubeconfig(request.kubeconfig(), violations);
            }
        }
        Cidr serviceCidr = request.serviceCidr() == null || request.serviceCidr().isEmpty() ? null
                : serviceCidr(request.serviceCidr(), violations);
        violations.throwIfAny();

        List<String> changed = new ArrayList<>();
        if (request.name() != null && !request.name().equals(cluster.getName())) {
            refuseTakenName(request.name(), cluster.getId());
            cluster.setName(request.name());
            changed.add("name");
        }
        if (request.serviceCidr() != null) {
            String cidr = serviceCidr == null ? null : serviceCidr.toString();
            if (!Objects.equals(cidr, cluster.getServiceCidr())) {
                cluster.setServiceCidr(cidr);
                changed.add("serviceCidr");
            }
        }
        JobRef reconnection = null;
        if (kubeconfig != null && !cipher.fingerprint(request.kubeconfig()).equals(cluster.getKubeconfigFingerprint())) {
            storeKubeconfig(cluster, request.kubeconfig(), kubeconfig);
            cluster.getStatus().moveTo(Phase.Pending, RECONNECT_MESSAGE);
            reconnection = jobs.enqueue(JobRequest.of(ClusterJobs.CONNECT, ResourceKinds.CLUSTER, cluster.getId()));
            cluster.getStatus().trackJob(reconnection.id());
            changed.add("kubeconfig");
        }
        if (changed.isEmpty()) {
            return new Updated(cluster, null);
        }
        cluster.touched(clock.instant());
        cluster = clusters.saveAndFlush(cluster);
        audit.record("cluster.update", ResourceKinds.CLUSTER, cluster.getId(), describe(cluster, changed));
        return new Updated(cluster, reconnection);
    }

    /** Marks the cluster Deleting and enqueues its delete job; refused while a binding uses it. */
    @Transactional
    ResourceLifecycle.Deletion<Cluster> delete(UUID id, String ifMatch) {
        clusters.lockForDelete(id);
        return lifecycle.delete(ResourceKinds.CLUSTER, get(id), ifMatch, clusters);
    }

    /** The cluster with this id, for features that reference clusters. */
    @Transactional(readOnly = true)
    public Optional<ClusterView> find(UUID id) {
        return clusters.findById(id).map(Cluster::view);
    }

    /**
     * The cluster with this id, for a resource about to reference it: the row stays locked FOR SHARE until the caller's
     * transaction ends (see {@link ResourceLifecycle}). Call it before anything in the transaction loads the cluster:
     * a row already loaded is not read again.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<ClusterView> findForUse(UUID id) {
        clusters.lockForUse(id);
        return clusters.findById(id).map(Cluster::view);
    }

    private static void checkName(String name, Violations violations) {
        if (violations.check(name != null && !name.isBlank(), "name", "is required")) {
            violations.check(KubernetesNames.isDns1123Label(name), "name", KubernetesNames.LABEL_RULE);
        }
    }

    private void refuseTakenName(String name, UUID self) {
        clusters.findByNameIgnoreCase(name)
                .filter(existing -> !existing.getId().equals(self))
                .ifPresent(existing -> {
                    throw ApiException.alreadyExists("name", "A cluster named " + existing.getName()
                            + " already exists: " + existing.getId());
                });
    }

    private static ArmResourceId resourceId(ClusterKind kind, String raw, Violations violations) {
        ArmResourceId.ResourceType type = switch (kind) {
            case AKS -> ArmResourceId.ResourceType.MANAGED_CLUSTER;
            case ARC -> ArmResourceId.ResourceType.CONNECTED_CLUSTER;
            case KUBECONFIG -> null;
        };
        if (type == null) {
            violations.check(raw == null, "resourceId", "must not be set for kind kubeconfig: the cluster is "
                    + "reached through its kubeconfig alone");
            return null;
        }
        if (!violations.check(raw != null, "resourceId", "is required for kind " + kind)) {
            return null;
        }
        try {
            return ArmResourceId.parse(raw, type);
        } catch (IllegalArgumentException e) {
            violations.add("resourceId", e.getMessage());
            return null;
        }
    }

    private static boolean sameResourceId(Cluster cluster, String raw) {
        if (cluster.getResourceId() == null) {
            return false;
        }
        ArmResourceId.ResourceType type = cluster.getKind() == ClusterKind.AKS
                ? ArmResourceId.ResourceType.MANAGED_CLUSTER : ArmResourceId.ResourceType.CONNECTED_CLUSTER;
        try {
            return ArmResourceId.parse(raw, type).toString().equalsIgnoreCase(cluster.getResourceId());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private Kubeconfig kubeconfig(String text, Violations violations) {
        try {
            return kubeconfigs.parse(text);
        } catch (InvalidKubeconfigException e) {
            e.problems().forEach(problem -> violations.add("kubeconfig", problem));
            return null;
        }
    }

    private static Cidr serviceCidr(String text, Violations violations) {
        if (text == null) {
            return null;
        }
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            violations.add("serviceCidr", e.getMessage());
            return null;
        }
    }

    private void storeKubeconfig(Cluster cluster, String text, Kubeconfig kubeconfig) {
        cluster.setKubeconfig(cipher.encrypt(text, cluster.kubeconfigContext()), cipher.fingerprint(text),
                kubeconfig.server().toString());
    }

    /** Name, kind, resource id and server host: what an auditor needs, and never anything of the kubeconfig. */
    static String describe(Cluster cluster, List<String> changed) {
        StringBuilder detail = new StringBuilder("name=").append(cluster.getName())
                .append(", kind=").append(cluster.getKind());
        if (cluster.getResourceId() != null) {
            detail.append(", resourceId=").append(cluster.getResourceId());
        }
        if (cluster.getKubeconfigServer() != null) {
            detail.append(", server host=").append(URI.create(cluster.getKubeconfigServer()).getHost());
        }
        if (!changed.isEmpty()) {
            detail.append(", changed=").append(String.join(",", changed));
        }
        return detail.toString();
    }
}
