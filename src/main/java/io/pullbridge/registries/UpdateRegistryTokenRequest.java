package io.pullbridge.registries;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The fields of a token that may change; absent fields stay as they are. {@code name} is accepted only to be
 * refused with a message that says why.
 */
@Schema(description = "Changes a token's repositories or password lifetime; absent fields stay unchanged. The name "
        + "is immutable.",
        example = """
                {"repositories": {"team-a/*": ["content/read", "metadata/read"], "shared/base": ["content/read"]}}""")
public record UpdateRegistryTokenRequest(
        @Schema(description = "Replaces the repositories and their actions")
        @Size(max = 500, message = "may map at most {max} repositories")
        Map<String, List<String>> repositories,
        @Schema(description = "ISO-8601 lifetime of the next password PullBridge generates", example = "P30D")
        String passwordLifetime,
        @Schema(hidden = true) JsonNode name) {
}
