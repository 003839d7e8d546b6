package io.pullbridge.bindings;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Size;
import java.util.List;

@Schema(description = "Pulls through Microsoft Entra workload identity: a user-assigned identity with AcrPull, a "
        + "federated credential per ServiceAccount trusting the cluster's OIDC issuer, and the cluster-side object the "
        + "delivery needs. No password or secret is made anywhere.")
public record WorkloadIdentityOptions(
        @Schema(description = "The namespace of the ServiceAccounts that pull", example = "team-a")
        String namespace,
        @Schema(description = "The ServiceAccounts that pull (1 to 20, Entra's limit of federated credentials on one "
                + "identity)", example = "[\"api\"]")
        @Size(max = 20, message = "may list at most {max} ServiceAccounts")
        List<String> serviceAccounts,
        @Schema(description = "Repositories the identity may pull; required by acr-pull-binding (an ACR token's "
                + "scope names repositories). On a registry with ABAC repository permissions the grant is limited "
                + "to them; elsewhere AcrPull covers the registry.", example = "[\"team-a/api\"]")
        @Size(max = 50, message = "may list at most {max} repositories")
        List<String> repositories,
        @Schema(description = "acr-pull-binding (msi-acrpull's AcrPullBinding) or credential-provider (ServiceAccount "
                + "annotations for the kubelet credential provider)")
        WorkloadIdentityDelivery delivery,
        @Schema(description = "An existing user-assigned identity to use (Admin only: federating it hands its rights "
                + "to the ServiceAccounts); absent for one PullBridge creates and deletes with the binding",
                example = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-identities/"
                        + "providers/Microsoft.ManagedIdentity/userAssignedIdentities/team-a-puller")
        String identityResourceId) {

    static WorkloadIdentityOptions of(WorkloadIdentitySpec spec) {
        return new WorkloadIdentityOptions(spec.namespace(), spec.serviceAccounts(), spec.repositories(),
                spec.delivery(), spec.identityResourceId());
    }
}
