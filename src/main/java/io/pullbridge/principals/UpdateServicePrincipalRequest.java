package io.pullbridge.principals;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Size;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The fields of a service principal that may change; absent fields stay as they are. The identifying fields and
 * the password are accepted here only to be refused with a message that says why (a plain "unknown field" would
 * not), and their values are never read.
 */
@Schema(description = "Changes a service principal's grants or password lifetime; absent fields stay unchanged. "
        + "mode, displayName, appId, objectId and tenantId are immutable; the password is replaced with :rotate.",
        example = """
                {"grants": [{"registryId": "3f1f8c8e-0c4e-4e57-9d0e-6d7f0b6c2a11", "role": "acrpull"}]}""")
public record UpdateServicePrincipalRequest(
        @Schema(description = "Replaces the grants: grants kept keep their status, new ones start Pending, "
                + "removed ones are revoked")
        @Size(max = 100, message = "may hold at most {max} grants")
        List<GrantRequest> grants,
        @Schema(description = "Mode create only: ISO-8601 lifetime of the next password PullBridge creates",
                example = "P180D")
        String passwordLifetime,
        @Schema(hidden = true) JsonNode mode,
        @Schema(hidden = true) JsonNode displayName,
        @Schema(hidden = true) JsonNode appId,
        @Schema(hidden = true) JsonNode objectId,
        @Schema(hidden = true) JsonNode tenantId,
        @Schema(hidden = true) JsonNode password,
        @Schema(hidden = true) JsonNode passwordExpiresAt) {

    @Override
    public String toString() {
        return "UpdateServicePrincipalRequest[grants=" + grants + ", passwordLifetime=" + passwordLifetime + "]";
    }
}
