package io.pullbridge.bindings;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;

@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "The credential behind a pull secret: exactly one of servicePrincipalId and tokenId")
public record CredentialReference(UUID servicePrincipalId, UUID tokenId) {
}
