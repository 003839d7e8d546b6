package io.pullbridge.principals;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

@Schema(description = "Replaces a service principal's password. For a principal PullBridge created, send no body: "
        + "PullBridge adds a new password in Entra ID. For an adopted principal, add the new password to its "
        + "application in Entra ID yourself and give it here; PullBridge cannot remove the old one, its owner must.",
        example = """
                {"password": "<the new client secret>", "passwordExpiresAt": "2027-06-30T00:00:00Z"}""")
public record RotateServicePrincipalRequest(
        @Schema(description = "Adopted principals only, and required for them: the new client secret. Write-only: "
                + "stored encrypted, never returned", accessMode = Schema.AccessMode.WRITE_ONLY, format = "password")
        String password,
        @Schema(description = "Adopted principals only: when the new password expires, if known; must be in the "
                + "future")
        Instant passwordExpiresAt) {

    /** Never prints the password: requests end up in debug output and exception messages. */
    @Override
    public String toString() {
        return "RotateServicePrincipalRequest[password=" + (password == null ? "null" : "(redacted)")
                + ", passwordExpiresAt=" + passwordExpiresAt + "]";
    }
}
