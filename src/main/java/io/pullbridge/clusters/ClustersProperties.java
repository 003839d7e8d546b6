package io.pullbridge.clusters;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How PullBridge checks the clusters it is given ({@code pullbridge.clusters.*}).
 *
 * @param allowedHosts       kubeconfig server hosts let through the built-in refusal of loopback, link-local,
 *                           unspecified and cloud metadata addresses: host names ({@code kind-control-plane}),
 *                           {@code *.}-prefixed domain wildcards, IP addresses ({@code 127.0.0.1}) or CIDRs
 *                           ({@code 10.0.0.0/8}). Host names match names and CIDRs match literal addresses; no
 *                           DNS lookup connects the two.
 * @param deniedHosts        further hosts, in the same forms, that are always refused; nothing overrides them
 * @param maxKubeconfigBytes the largest kubeconfig accepted (UTF-8 bytes); 1 MB by default
 * @param allowInsecureSkipTlsVerify accept kubeconfigs that turn certificate checks off; false by default, because
 *                           such a connection hands the cluster's credentials to whoever answers
 * @param probeInterval      how often a Ready (or Degraded) cluster is probed for reachability, at the reconciliation
 *                           passes ({@code pullbridge.jobs.reconcile-interval}) that come after it is due
 * @param entra              how PullBridge signs in to clusters with Microsoft Entra integration
 */
@ConfigurationProperties("pullbridge.clusters")
public record ClustersProperties(@DefaultValue List<String> allowedHosts, @DefaultValue List<String> deniedHosts,
                                 @DefaultValue("1MB") DataSize maxKubeconfigBytes,
                                 @DefaultValue("false") boolean allowInsecureSkipTlsVerify,
                                 @DefaultValue("PT5M") Duration probeInterval,
                                 @DefaultValue Entra entra) {

    static final DataSize LOWEST_MAX_KUBECONFIG = DataSize.ofKilobytes(1);
    static final DataSize HIGHEST_MAX_KUBECONFIG = DataSize.ofMegabytes(16);

    @ConstructorBinding
    public ClustersProperties {
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        deniedHosts = deniedHosts == null ? List.of() : List.copyOf(deniedHosts);
        maxKubeconfigBytes = maxKubeconfigBytes == null ? DataSize.ofMegabytes(1) : maxKubeconfigBytes;
        probeInterval = probeInterval == null ? Duration.ofMinutes(5) : probeInterval;
        entra = entra == null ? Entra.DEFAULT : entra;
        // Parsed here so that a typo in a list stops the service at start, naming the entry.
        HostList.parse("pullbridge.clusters.allowed-hosts", allowedHosts);
        HostList.parse("pullbridge.clusters.denied-hosts", deniedHosts);
        if (maxKubeconfigBytes.compareTo(LOWEST_MAX_KUBECONFIG) < 0
                || maxKubeconfigBytes.compareTo(HIGHEST_MAX_KUBECONFIG) > 0) {
            throw new IllegalArgumentException("pullbridge.clusters.max-kubeconfig-bytes must be between 1KB and 16MB, "
                    + "not " + maxKubeconfigBytes.toBytes() + " bytes");
        }
        if (probeInterval.compareTo(Duration.ofSeconds(10)) < 0) {
            throw new IllegalArgumentException("pullbridge.clusters.probe-interval must be at least 10 seconds, not "
                    + probeInterval);
        }
    }

    public ClustersProperties(List<String> allowedHosts, List<String> deniedHosts, DataSize maxKubeconfigBytes,
                              boolean allowInsecureSkipTlsVerify, Duration probeInterval) {
        this(allowedHosts, deniedHosts, maxKubeconfigBytes, allowInsecureSkipTlsVerify, probeInterval, Entra.DEFAULT);
    }

    /**
     * Signing in to Entra-integrated clusters ({@code pullbridge.clusters.entra.*}).
     *
     * @param serverId      the AKS server application: PullBridge asks for tokens with the scope
     *                      {@code <server-id>/.default}, and a kubeconfig that runs kubelogin is accepted only with this
     *                      {@code --server-id}. The same id in every public cloud; configurable for clouds that differ
     * @param refreshBefore a token is replaced this long before it expires
     * @param serverIds     other server applications a kubeconfig's kubelogin {@code --server-id} may name (none by
     *                      default): PullBridge then asks for {@code <that id>/.default}. For server applications of
     *                      one's own, such as an Arc-enabled cluster's guard set up with its own application
     */
    public record Entra(@DefaultValue(AKS_SERVER_ID) String serverId, @DefaultValue("PT5M") Duration refreshBefore,
                        @DefaultValue List<String> serverIds) {

        public static final String AKS_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";
        public static final Entra DEFAULT = new Entra(AKS_SERVER_ID, Duration.ofMinutes(5));

        public Entra(String serverId, Duration refreshBefore) {
            this(serverId, refreshBefore, List.of());
        }

        @ConstructorBinding
        public Entra {
            serverId = serverId == null || serverId.isBlank() ? AKS_SERVER_ID : serverId.strip();
            serverIds = serverIds == null ? List.of() : serverIds.stream().filter(id -> id != null && !id.isBlank())
                    .map(String::strip).toList();
            refreshBefore = refreshBefore == null ? Duration.ofMinutes(5) : refreshBefore;
            if (refreshBefore.isNegative() || refreshBefore.compareTo(Duration.ofMinutes(30)) > 0) {
                throw new IllegalArgumentException("pullbridge.clusters.entra.refresh-before must be between 0 and "
                        + "30 minutes, not " + refreshBefore);
            }
        }

        /** Whether a kubelogin {@code --server-id} names the AKS server application or one of {@link #serverIds}. */
        public boolean accepts(String kubeloginServerId) {
            return serverId.equalsIgnoreCase(kubeloginServerId)
                    || serverIds.stream().anyMatch(id -> id.equalsIgnoreCase(kubeloginServerId));
        }

        /** The scope of a token for the server application. */
        public String scope() {
            return serverId + "/.default";
        }
    }

    /** The host lists and size limit, with the other settings at their defaults. */
    public ClustersProperties(List<String> allowedHosts, List<String> deniedHosts, DataSize maxKubeconfigBytes) {
        this(allowedHosts, deniedHosts, maxKubeconfigBytes, false, Duration.ofMinutes(5));
    }

    /** The defaults: nothing allowed beyond the built-in rules, nothing extra denied, 1 MB kubeconfigs. */
    static ClustersProperties defaults() {
        return new ClustersProperties(List.of(), List.of(), DataSize.ofMegabytes(1));
    }
}
