package io.pullbridge.bindings;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Size;
import java.util.List;

@Schema(description = "An ACR connected registry deployed on an Arc-enabled cluster")
public record ConnectedRegistryOptions(
        @Schema(description = "5 to 40 letters and digits, unique in the registry and on the cluster (its Arc extension takes the name)", example = "edge1cr")
        String name,
        @Schema(description = "Default ReadOnly")
        ConnectedRegistryMode mode,
        @Schema(description = "Repositories to sync from the parent registry", example = "[\"hello-world\"]")
        @Size(max = 100, message = "may list at most {max} repositories")
        List<String> repositories,
        @Schema(description = "IPv4 address for the in-cluster registry Service, inside the cluster's service CIDR",
                example = "10.0.0.50")
        String clusterIP,
        @Schema(description = "Five-field cron; default every minute", example = "0 0 * * *")
        String syncSchedule,
        @Schema(description = "ISO-8601 duration from PT3H to P7D; absent to sync continuously", example = "PT24H")
        String syncWindow,
        @Schema(description = "Pull secret for the connected registry; default acr-secret", example = "regcred")
        String secretName,
        @Schema(description = "Namespaces that get the pull secret; default [\"default\"]", example = "[\"default\"]")
        @Size(max = 1000, message = "may list at most {max} namespaces")
        List<String> namespaces) {

    static ConnectedRegistryOptions of(ConnectedRegistrySpec spec) {
        return new ConnectedRegistryOptions(spec.name(), spec.mode(), spec.repositories(), spec.clusterIP(),
                spec.syncSchedule(), spec.syncWindow(), spec.secretName(), spec.namespaces());
    }
}
