package io.pullbridge.bindings;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pullbridge.common.Condition;
import io.pullbridge.common.Phase;
import io.pullbridge.common.ResourceStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record BindingResponse(UUID id, UUID registryId, UUID clusterId, BindingMethod method,
                              PullSecretOptions pullSecret, ConnectedRegistryOptions connectedRegistry,
                              Instant createdAt, Instant updatedAt, String createdBy, Status status) {

    static BindingResponse of(Binding binding) {
        PullSecretOptions pullSecret = null;
        if (binding.getMethod() == BindingMethod.PULL_SECRET) {
            Binding.PullSecretSpec spec = binding.pullSecretSpec();
            pullSecret = new PullSecretOptions(new CredentialReference(spec.servicePrincipalId(), spec.tokenId()),
                    spec.secretName(), spec.namespaces(), spec.namespaceSelector(), spec.excludeNamespaces(),
                    spec.serviceAccounts());
        }
        ConnectedRegistryOptions connected = binding.getConnectedRegistry() == null ? null
                : ConnectedRegistryOptions.of(binding.getConnectedRegistry());
        return new BindingResponse(binding.getId(), binding.getRegistryId(), binding.getClusterId(),
                binding.getMethod(), pullSecret, connected, binding.getCreatedAt(), binding.getUpdatedAt(),
                binding.getCreatedBy(), Status.of(binding));
    }

    /**
     * The common status fields, plus when reconciliation last compared the binding with the world and the drift it
     * found and repaired then, and for a kubelet-identity binding the role assignment it holds.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "BindingStatus")
    public record Status(Phase phase, List<Condition> conditions, Instant observedAt, String message, UUID jobId,
                         Instant reconciledAt, List<String> drift, RoleAssignment roleAssignment,
                         Namespaces namespaces) {

        static Status of(Binding binding) {
            ResourceStatus status = binding.getStatus();
            KubeletAssignment kubelet = binding.getKubeletAssignment();
            return new Status(status.phase(), status.conditions(), status.observedAt(), status.message(),
                    status.jobId(), binding.getReconciledAt(), binding.getDrift(), kubelet == null ? null
                    : new RoleAssignment(kubelet.assignmentId(), kubelet.principalObjectId(), kubelet.role(),
                    kubelet.scope(), kubelet.createdByPullBridge()), Namespaces.of(binding.getPullSecretStatus()));
        }
    }

    /**
     * A pull-secret binding's namespaces, counted by state, with the first few that are not ready and why.
     *
     * @param credentialFingerprint the fingerprint of the password every ready namespace's secret holds
     */
    @Schema(name = "BindingNamespaces")
    public record Namespaces(int targeted, int ready, int pending, int failed, int conflicts, List<Issue> issues,
                             String credentialFingerprint) {

        static Namespaces of(PullSecretStatus status) {
            return status == null ? null : new Namespaces(status.targeted(), status.ready(), status.pending(),
                    status.failed(), status.conflicts(), status.issues().stream()
                    .map(issue -> new Issue(issue.namespace(), issue.state(), issue.reason())).toList(),
                    status.credentialFingerprint());
        }
    }

    /** @param state {@code pending}, {@code failed} or {@code conflict} */
    @Schema(name = "BindingNamespaceIssue")
    public record Issue(String namespace, String state, String reason) {
    }

    /**
     * @param createdByPullBridge false when the assignment existed before and was adopted: deleting the binding
     *                            leaves it in place
     */
    @Schema(name = "BindingRoleAssignment")
    public record RoleAssignment(String id, UUID principalObjectId, String role, String scope,
                                 boolean createdByPullBridge) {
    }
}
