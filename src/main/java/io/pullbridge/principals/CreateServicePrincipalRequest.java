package io.pullbridge.principals;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

@Schema(description = "Creates a service principal (mode create: PullBridge makes the application, principal and "
        + "password) or adopts an existing one (mode adopt: you name it by appId or objectId and supply its password). "
        + "Fields of the other mode are refused.",
        example = """
                {"mode": "create", "displayName": "acr-pull-team-a", "passwordLifetime": "P365D",
                 "grants": [{"registryId": "3f1f8c8e-0c4e-4e57-9d0e-6d7f0b6c2a11", "role": "acrpull"}]}""")
public record CreateServicePrincipalRequest(
        @Schema(description = "create or adopt", requiredMode = Schema.RequiredMode.REQUIRED)
        PrincipalMode mode,
        @Schema(description = "Mode create: the application's display name, 1 to 120 characters, unique among the "
                + "principals PullBridge created in the tenant. Mode adopt: an optional label (Entra ID's display name "
                + "when absent).",
                example = "acr-pull-team-a")
        String displayName,
        @Schema(description = "Mode create: ISO-8601 lifetime of each password PullBridge creates; the configured "
                + "default (pullbridge.principals.password-lifetime.default) when absent", example = "P365D")
        String passwordLifetime,
        @Schema(description = "Mode adopt: the application (client) id. Give it, objectId, or both: PullBridge looks "
                + "the principal up in Entra ID, fills in the other and checks that both name the same principal")
        UUID appId,
        @Schema(description = "Mode adopt: the service principal's (enterprise application's) object id")
        UUID objectId,
        @Schema(description = "Mode adopt: the principal's tenant; the configured default (pullbridge.azure.tenant-id) "
                + "when absent")
        UUID tenantId,
        @Schema(description = "Mode adopt: the principal's client secret. Write-only: stored encrypted, never returned",
                accessMode = Schema.AccessMode.WRITE_ONLY, format = "password")
        String password,
        @Schema(description = "Mode adopt: when the supplied password expires, if known; must be in the future")
        Instant passwordExpiresAt,
        @Schema(description = "The roles to grant, at least one", requiredMode = Schema.RequiredMode.REQUIRED)
        @Size(max = 100, message = "may hold at most {max} grants")
        List<GrantRequest> grants) {

    /** Never prints the password: requests end up in debug output and exception messages. */
    @Override
    public String toString() {
        return "CreateServicePrincipalRequest[mode=" + mode + ", displayName=" + displayName + ", passwordLifetime="
                + passwordLifetime + ", appId=" + appId + ", objectId=" + objectId + ", tenantId=" + tenantId
                + ", password=" + (password == null ? "null" : "(redacted)") + ", passwordExpiresAt="
                + passwordExpiresAt + ", grants=" + grants + "]";
    }
}
