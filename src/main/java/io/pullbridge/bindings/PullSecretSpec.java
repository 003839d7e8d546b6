package io.pullbridge.bindings;

import java.util.List;
import java.util.UUID;

/**
 * Where a binding writes its pull secret, and which ServiceAccounts get it. A pull-secret binding's credential is a
 * service principal or a registry token; a connected-registry binding's is its client token (neither id is set).
 */
public record PullSecretSpec(UUID servicePrincipalId, UUID tokenId, String secretName, List<String> namespaces,
                             String namespaceSelector, List<String> excludeNamespaces, List<String> serviceAccounts) {
}
