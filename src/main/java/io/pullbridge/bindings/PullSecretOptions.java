package io.pullbridge.bindings;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Size;
import java.util.List;

@Schema(description = "Where a pull-secret binding writes its kubernetes.io/dockerconfigjson secret")
public record PullSecretOptions(
        CredentialReference credential,
        @Schema(description = "DNS-1123 subdomain; default acr-secret", example = "acr-secret")
        String secretName,
        @Schema(description = "Namespaces by name (DNS-1123 labels)", example = "[\"team-a\"]")
        @Size(max = 1000, message = "may list at most {max} namespaces")
        List<String> namespaces,
        @Schema(description = "Namespaces by Kubernetes label selector", example = "team=a")
        String namespaceSelector,
        @Schema(description = "Namespaces never written to", example = "[\"kube-system\"]")
        @Size(max = 1000, message = "may list at most {max} namespaces")
        List<String> excludeNamespaces,
        @Schema(description = "ServiceAccounts that get the secret in imagePullSecrets; default [\"default\"], "
                + "[] for none", example = "[\"default\"]")
        @Size(max = 50, message = "may list at most {max} ServiceAccounts")
        List<String> serviceAccounts) {
}
