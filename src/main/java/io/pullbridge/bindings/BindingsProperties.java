package io.pullbridge.bindings;

import io.pullbridge.clusters.HostList;
import io.pullbridge.registry.RegistryDestinations;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code pullbridge.bindings.*}.
 *
 * @param writeParallelism how many namespaces a pull-secret pass writes at once, each pass on its own (the kubernetes
 *                         adapter also bounds concurrent calls per cluster and rate-limits them)
 * @param verifySample     how many target namespaces a verification reads the secret back from (0: all of them)
 * @param verifyTimeout    how long each call of a verification's registry handshake may take
 * @param tokenRealmHosts  hosts ({@code *.domain} wildcards, IPs and CIDRs too) on which a registry's token realm may
 *                         be, besides the registry's own host, for a verification to send it the credentials; null
 *                         (unset) means the configured cloud's registry domain, {@code *.azurecr.io} in AzureCloud
 * @param connectedRegistry how connected-registry bindings deploy their Arc extension
 */
@ConfigurationProperties("pullbridge.bindings")
public record BindingsProperties(@DefaultValue("16") int writeParallelism,
                          @DefaultValue("5") int verifySample,
                          @DefaultValue("PT10S") Duration verifyTimeout,
                          List<String> tokenRealmHosts,
                          @DefaultValue ConnectedRegistry connectedRegistry) {

    /**
     * {@code pullbridge.bindings.connected-registry.*}: settings every connected-registry binding's extension and
     * connected registry get.
     *
     * @param extensionTimeout        how long a job waits for the extension to install, update or go away before it
     *                                fails
     * @param pollInterval            how often a waiting job reads the extension again (no worker waits meanwhile)
     * @param storageClassName        {@code pvc.storageClassName}; empty for the cluster's default storage class
     * @param storageRequest          {@code pvc.storageRequest}
     * @param releaseTrain            the extension's release train; empty for the extension's default
     * @param autoUpgradeMinorVersion whether Azure upgrades the extension's minor versions by itself
     * @param logLevel                the connected registry's log level: Debug, Information, Warning, Error or None
     * @param retiredPasswordLifetime a retired password is replaced by one nobody sees, expiring after this long
     */
    public record ConnectedRegistry(@DefaultValue("PT30M") Duration extensionTimeout,
                             @DefaultValue("PT15S") Duration pollInterval,
                             @DefaultValue("") String storageClassName,
                             @DefaultValue("250Gi") String storageRequest,
                             @DefaultValue("") String releaseTrain,
                             @DefaultValue("true") boolean autoUpgradeMinorVersion,
                             @DefaultValue("Information") String logLevel,
                             @DefaultValue("P1D") Duration retiredPasswordLifetime) {

        public ConnectedRegistry {
            logLevel(logLevel);
        }

        public ConnectedRegistries.LogLevel level() {
            return logLevel(logLevel);
        }

        private static ConnectedRegistries.LogLevel logLevel(String value) {
            for (ConnectedRegistries.LogLevel level : ConnectedRegistries.LogLevel.values()) {
                if (level.value().equalsIgnoreCase(value)) {
                    return level;
                }
            }
            throw new IllegalArgumentException("pullbridge.bindings.connected-registry.log-level must be one of Debug, "
                    + "Information, Warning, Error, None");
        }
    }

    public BindingsProperties {
        if (writeParallelism < 1 || writeParallelism > 256) {
            throw new IllegalArgumentException("pullbridge.bindings.write-parallelism must be 1 to 256");
        }
        if (verifySample < 0) {
            throw new IllegalArgumentException("pullbridge.bindings.verify-sample must be 0 (all) or more");
        }
        if (tokenRealmHosts != null) {
            tokenRealmHosts = List.copyOf(tokenRealmHosts);
            // Parsed here so that a typo stops the service at start, naming the entry.
            HostList.parse(RegistryDestinations.REALM_HOSTS_PROPERTY, tokenRealmHosts);
        }
    }
}
