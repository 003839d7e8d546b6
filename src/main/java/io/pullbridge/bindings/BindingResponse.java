package io.pullbridge.bindings;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pullbridge.common.Condition;
import io.pullbridge.common.Phase;
import io.pullbridge.common.ResourceStatus;
import io.pullbridge.registries.RegistryTokenStore.PasswordSlot;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record BindingResponse(UUID id, UUID registryId, UUID clusterId, BindingMethod method,
                              PullSecretOptions pullSecret, ConnectedRegistryOptions connectedRegistry,
                              WorkloadIdentityOptions workloadIdentity, Instant createdAt, Instant updatedAt, String createdBy, Status status) {

    static BindingResponse of(Binding binding) {
        PullSecretOptions pullSecret = null;
        PullSecretSpec spec = binding.pullSecretSpec();
        if (spec.servicePrincipalId() != null || spec.tokenId() != null) {
            pullSecret = new PullSecretOptions(new CredentialReference(spec.servicePrincipalId(), spec.tokenId()),
                    spec.secretName(), spec.namespaces(), spec.namespaceSelector(), spec.excludeNamespaces(),
                    spec.serviceAccounts());
        }
        ConnectedRegistryOptions connected = binding.getConnectedRegistry() == null ? null
                : ConnectedRegistryOptions.of(binding.getConnectedRegistry());
        WorkloadIdentityOptions workload = binding.getWorkloadIdentity() == null ? null
                : WorkloadIdentityOptions.of(binding.getWorkloadIdentity());
        return new BindingResponse(binding.getId(), binding.getRegistryId(), binding.getClusterId(),
                binding.getMethod(), pullSecret, connected, workload, binding.getCreatedAt(), binding.getUpdatedAt(),
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
                         Namespaces namespaces, ConnectedRegistry connectedRegistry,
                         WorkloadIdentityStatus workloadIdentity) {

        static Status of(Binding binding) {
            ResourceStatus status = binding.getStatus();
            KubeletAssignment kubelet = binding.getKubeletAssignment();
            return new Status(status.phase(), status.conditions(), status.observedAt(), status.message(),
                    status.jobId(), binding.getReconciledAt(), binding.getDrift(), kubelet == null ? null
                    : new RoleAssignment(kubelet.assignmentId(), kubelet.principalObjectId(), kubelet.role(),
                    kubelet.scope(), kubelet.createdByPullBridge()), Namespaces.of(binding.getPullSecretStatus()),
                    binding.getConnectedRegistry() == null ? null
                            : ConnectedRegistry.of(binding.getConnectedRegistry(),
                            binding.getConnectedRegistryStatus()), binding.getWorkloadIdentityStatus());
        }
    }

    /**
     * A connected-registry binding's connected registry and Arc extension, as its last job read them from Azure.
     *
     * @param extensionProvisioningState  {@code Creating}, {@code Updating}, {@code Succeeded}, {@code Failed},
     *                                    {@code Deleting}; absent when the extension does not exist (yet)
     * @param extensionError              Azure's error, when the extension failed
     * @param connectionState             {@code Online}, {@code Offline}, {@code Syncing} or {@code Unhealthy}
     * @param activationStatus            {@code Active} once the in-cluster instance connected with the sync token
     * @param lastSyncTime                when the instance last synced with the parent registry
     * @param syncSchedule                the sync schedule (cron) Azure holds
     * @param syncWindow                  how long each sync lasts (ISO-8601), absent to sync continuously
     * @param statusDetails               the connected registry's own status lines ({@code code: description})
     * @param syncToken                   the sync token's name and the slot of the password the extension holds
     * @param clientToken                 the client token's name and the slot of the password the pull secrets hold
     * @param clientPasswordFingerprint   the keyed fingerprint of the client token's current password
     * @param observedAt                  when a job last read all this from Azure
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "BindingConnectedRegistryStatus")
    public record ConnectedRegistry(String name, String extensionName, String extensionProvisioningState,
                                    String extensionVersion, String extensionError, String provisioningState,
                                    String connectionState, String activationStatus, String version,
                                    Instant lastSyncTime, Instant lastActivityTime, String syncSchedule,
                                    String syncWindow, String loginServerHost, List<String> statusDetails,
                                    TokenPassword syncToken, TokenPassword clientToken,
                                    String clientPasswordFingerprint, Instant observedAt) {

        static ConnectedRegistry of(ConnectedRegistrySpec spec, ConnectedRegistryStatus status) {
            ConnectedRegistryStatus.Observed seen = status == null ? null : status.observed();
            ConnectedRegistryStatus.Credentials credentials = status == null ? null : status.credentials();
            return new ConnectedRegistry(spec.name(), ConnectedRegistries.extensionName(spec.name()),
                    seen == null ? null : seen.extensionProvisioningState(),
                    seen == null ? null : seen.extensionVersion(), seen == null ? null : seen.extensionError(),
                    seen == null ? null : seen.provisioningState(), seen == null ? null : seen.connectionState(),
                    seen == null ? null : seen.activationStatus(), seen == null ? null : seen.version(),
                    seen == null ? null : seen.lastSyncTime(), seen == null ? null : seen.lastActivityTime(),
                    seen == null ? spec.syncSchedule() : seen.syncSchedule(),
                    seen == null ? spec.syncWindow() : seen.syncWindow(),
                    seen == null ? null : seen.loginServerHost(), seen == null ? null : seen.statusDetails(),
                    new TokenPassword(ConnectedRegistries.syncTokenName(spec.name()), credentials == null ? null
                            : slot(credentials.syncSlot()), credentials == null ? null
                            : slot(credentials.syncRetiring())),
                    new TokenPassword(ConnectedRegistries.clientTokenName(spec.name()),
                            credentials == null ? null : slot(credentials.clientSlot()), credentials == null ? null
                            : slot(credentials.clientRetiring())),
                    credentials == null ? null : credentials.clientFingerprint(),
                    seen == null ? null : seen.observedAt());
        }

        private static String slot(PasswordSlot slot) {
            return slot == null ? null : ConnectedRegistries.slotName(slot);
        }
    }

    /**
     * @param currentSlot  {@code password1} or {@code password2}: the slot whose password is in use; absent before the
     *                     first deployment
     * @param retiringSlot during a rotation, the slot of the previous password, which still works until retired
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "BindingTokenPassword")
    public record TokenPassword(String name, String currentSlot, String retiringSlot) {
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
