package io.pullbridge.azure;

import com.azure.resourcemanager.resources.models.GenericResource;
import io.pullbridge.clusters.ConnectedClusterDirectory;
import io.pullbridge.common.ArmResourceId;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Arc-enabled Kubernetes clusters, read through ARM's generic resources API: the SDK has no client for
 * {@code Microsoft.Kubernetes} here (design.md section 1).
 */
@Component
final class AzureConnectedClusterDirectory implements ConnectedClusterDirectory {

    /** The api-version of {@code Microsoft.Kubernetes/connectedClusters} this adapter reads: one that reports the OIDC issuer. */
    static final String API_VERSION = "2026-05-01";

    private final AzureClients clients;

    AzureConnectedClusterDirectory(AzureClients clients) {
        this.clients = clients;
    }

    @Override
    public Optional<ConnectedClusterFacts> read(String resourceId) {
        ArmResourceId id = ArmResourceId.parse(resourceId, ArmResourceId.ResourceType.CONNECTED_CLUSTER);
        return AzureFailures.armOptional("reading Arc-connected cluster " + id,
                        () -> clients.subscription(id.subscriptionId()).resources().genericResources()
                                .getById(id.toString(), API_VERSION))
                .map(resource -> facts(id, resource));
    }

    private static ConnectedClusterFacts facts(ArmResourceId id, GenericResource resource) {
        Map<?, ?> properties = resource.properties() instanceof Map<?, ?> map ? map : Map.of();
        return new ConnectedClusterFacts(resource.id() == null ? id.toString() : resource.id(),
                text(properties.get("kubernetesVersion")), resource.regionName(), text(properties.get("distribution")),
                text(properties.get("connectivityStatus")), oidcIssuer(properties));
    }

    /** {@code oidcIssuerProfile}: a self-hosted issuer wins over Arc's own, as it is the one the cluster signs as. */
    private static String oidcIssuer(Map<?, ?> properties) {
        if (!(properties.get("oidcIssuerProfile") instanceof Map<?, ?> profile)
                || !Boolean.TRUE.equals(profile.get("enabled"))) {
            return null;
        }
        String selfHosted = text(profile.get("selfHostedIssuerUrl"));
        String url = selfHosted != null && !selfHosted.isBlank() ? selfHosted : text(profile.get("issuerUrl"));
        return url == null || url.isBlank() ? null : url;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
