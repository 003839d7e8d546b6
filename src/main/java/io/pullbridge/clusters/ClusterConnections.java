package io.pullbridge.clusters;

import io.pullbridge.common.Phase;
import io.pullbridge.crypto.EncryptedSecret;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import java.util.Objects;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Connections to registered clusters, for jobs of any feature: {@link #open(UUID)} gives the {@link ClusterApi} of a
 * cluster. Credentials are decrypted (kubeconfig and arc clusters) or fetched from Azure (aks clusters) only when
 * the {@code kubernetes} adapter keeps no client for the cluster's current credentials, checked again as at
 * registration (the server against {@code pullbridge.clusters.allowed-hosts} and {@code denied-hosts} as configured
 * now), and handed to the adapter in memory: they are never stored in clear, logged or returned.
 */
@Service
public class ClusterConnections {

    private final ClusterRepository clusters;
    private final KubeconfigParser parser;
    private final SecretCipher cipher;
    private final ManagedClusterDirectory managedClusters;
    private final KubernetesClusters kubernetes;
    private final TransactionTemplate tx;
    private final EntraTokens entraTokens;

    ClusterConnections(ClusterRepository clusters, KubeconfigParser parser, SecretCipher cipher,
                       ManagedClusterDirectory managedClusters, KubernetesClusters kubernetes, TransactionTemplate tx,
                       EntraTokens entraTokens) {
        this.entraTokens = entraTokens;
        this.clusters = clusters;
        this.parser = parser;
        this.cipher = cipher;
        this.managedClusters = managedClusters;
        this.kubernetes = kubernetes;
        this.tx = tx;
    }

    /** What a connection needs to know of the cluster's row, read in a short transaction. */
    record Target(UUID id, String name, ClusterKind kind, String resourceId, Phase phase, String version,
                  EncryptedSecret kubeconfig, String kubeconfigContext,
                  ManagedClusterDirectory.EntraIntegration entra, ClusterAccess access) {
    }

    /**
     * The API of a registered cluster that is not being deleted.
     *
     * @throws JobFailure when the cluster is unknown or being deleted ({@code cluster-unavailable}, permanent), its
     *                    credentials cannot be had (Azure failures for aks), or no longer pass the checks
     *                    ({@link ClusterProblems#KUBECONFIG_INVALID}, {@link ClusterProblems#SERVER_REFUSED})
     */
    public ClusterApi open(UUID clusterId) {
        Target target = target(clusterId, false);
        return kubernetes.cached(clusterId, target.version()).orElseGet(() -> connect(target));
    }

    /**
     * {@link #open(UUID)} for a job, which from now on masks the client's credentials (a kubeconfig's token,
     * password or client key, the AKS user token, the Entra tokens it sends) in whatever it records: an API server,
     * a proxy or an admission webhook may quote them back.
     */
    public ClusterApi open(JobContext job, UUID clusterId) {
        return protect(job, open(clusterId));
    }

    /** Tells the job about the client's credentials (see {@link #open(JobContext, UUID)}); gives the client back. */
    static ClusterApi protect(JobContext job, ClusterApi api) {
        job.protect(api.credentials().toArray(String[]::new));
        return api;
    }

    /** The cluster's row as a connection needs it; {@code deletingToo} lets the delete job's clean-up through. */
    Target target(UUID clusterId, boolean deletingToo) {
        Target target = tx.execute(status -> clusters.findById(clusterId).map(cluster -> new Target(cluster.getId(),
                cluster.getName(), cluster.getKind(), cluster.getResourceId(), cluster.getStatus().phase(),
                cluster.getKind() == ClusterKind.AKS ? "aks:" + cluster.getCredentialFingerprint()
                        : cluster.getKubeconfigFingerprint(),
                cluster.getKubeconfig(), cluster.kubeconfigContext(), cluster.entraIntegration(), cluster.access()))
                .orElse(null));
        if (target == null) {
            throw unavailable("The cluster " + clusterId + " is not registered");
        }
        if (target.phase() == Phase.Deleting && !deletingToo) {
            throw unavailable("The cluster " + target.name() + " (" + clusterId + ") is being deleted");
        }
        return target;
    }

    /** Builds a client from fresh credentials: for aks, the user kubeconfig fetched from Azure now. */
    ClusterApi connect(Target target) {
        return kubernetes.connect(credentials(target));
    }

    /**
     * Fresh credentials for the cluster; for aks clusters fetched from Azure, recording their fingerprint. An
     * Entra-integrated aks cluster (and a kubeconfig that names kubelogin) is signed in to with PullBridge's own
     * token for the AKS server application: only the server and CA of the user kubeconfig are used.
     */
    ClusterCredentials credentials(Target target) {
        ClusterCredentials credentials;
        if (target.kind() != ClusterKind.AKS) {
            credentials = parse(target.id(), target.version(),
                    cipher.decrypt(target.kubeconfig(), target.kubeconfigContext()), "the stored kubeconfig",
                    "; register a kubeconfig that passes the checks again", false);
        } else {
            String kubeconfig = managedClusters.userKubeconfig(target.resourceId());
            String fingerprint = cipher.fingerprint(kubeconfig);
            if (!Objects.equals("aks:" + fingerprint, target.version())) {
                tx.executeWithoutResult(status -> clusters.findById(target.id())
                        .ifPresent(cluster -> cluster.credentialFingerprint(fingerprint)));
            }
            ManagedClusterDirectory.EntraIntegration entra = target.entra();
            credentials = parse(target.id(), "aks:" + fingerprint, kubeconfig, "the user kubeconfig AKS returned",
                    "", entra != null);
            if (entra != null) {
                credentials = credentials.with(new ClusterCredentials.EntraToken(entra.tenantId(),
                        entraTokens.serverScope()), ClusterAccess.entra(null, entra.tenantId(), entra.azureRbac()), null);
            } else {
                credentials = credentials.with(credentials.credential(), ClusterAccess.localAccount(), null);
            }
        }
        ClusterAccess access = credentials.access();
        if (credentials.credential() instanceof ClusterCredentials.EntraToken token) {
            access = ClusterAccess.entra(entraTokens.objectId(token.tenantId(), token.scope()).orElse(null),
                    token.tenantId(), access.azureRbac());
            credentials = credentials.with(token, access, access.grantAdvice(
                    target.kind() == ClusterKind.KUBECONFIG ? null : target.resourceId(), target.id()));
        }
        if (!access.equals(target.access())) {
            ClusterAccess observed = access;
            tx.executeWithoutResult(status -> clusters.findById(target.id())
                    .ifPresent(cluster -> cluster.accessed(observed)));
        }
        return credentials;
    }

    private ClusterCredentials parse(UUID clusterId, String version, String kubeconfig, String what, String hint,
                                     boolean serverOnly) {
        try {
            return serverOnly ? parser.server(clusterId, version, kubeconfig)
                    : parser.credentials(clusterId, version, kubeconfig);
        } catch (InvalidKubeconfigException e) {
            boolean refusedHost = e.problems().stream().anyMatch(problem -> problem.startsWith("server host "));
            String slug = refusedHost ? ClusterProblems.SERVER_REFUSED : ClusterProblems.KUBECONFIG_INVALID;
            throw JobFailure.permanent(slug, refusedHost ? "The cluster's API server is refused"
                            : "The cluster's kubeconfig cannot be used", 422,
                    what + " cannot be used: " + e.getMessage() + (refusedHost ? "" : hint));
        }
    }

    private static JobFailure unavailable(String detail) {
        return JobFailure.permanent("cluster-unavailable", "The cluster cannot be used", 409, detail);
    }
}
