package io.pullbridge.bindings;

import java.util.List;

/**
 * What a workload-identity binding asks for, checked.
 *
 * @param identityResourceId the existing identity it uses, or null for the one PullBridge makes for it
 */
public record WorkloadIdentitySpec(String namespace, List<String> serviceAccounts, List<String> repositories,
                                   WorkloadIdentityDelivery delivery, String identityResourceId) {

    public WorkloadIdentitySpec {
        serviceAccounts = List.copyOf(serviceAccounts);
        repositories = repositories == null ? List.of() : List.copyOf(repositories);
    }
}
