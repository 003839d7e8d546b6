package io.pullbridge.bindings;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

@Schema(description = "Where a pull-secret binding writes its kubernetes.io/dockerconfigjson secret")
public record PullSecretOptions(
        CredentialReference credential,
        @Schema(description = "DNS-1123 subdomain; default acr-secret", example = "acr-secret")
        String secretName,
        @Schema(description = "Namespaces by name (DNS-1123 labels)", example = "[\"team-a\"]")
        List<String> namespaces,
        @Schema(description = "Namespaces by Kubernetes label selector", example = "team=a")
        String namespaceSelector,
        @Schema(description = "Namespaces never written to", example = "[\"kube-system\"]")
        List<String> excludeNamespaces,
        @Schema(description = "ServiceAccounts that get the secret in imagePullSecrets; default [\"default\"], "
                + "[] for none", example = "[\"default\"]")
        List<String> serviceAccounts) {
}
