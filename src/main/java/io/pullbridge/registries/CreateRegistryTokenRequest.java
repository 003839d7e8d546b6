package io.pullbridge.registries;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

@Schema(description = "Creates a repository-scoped token (a scope map and a token) in a registry",
        example = """
                {"name": "team-a-pull", "repositories": {"team-a/*": ["content/read", "metadata/read"]},
                 "passwordLifetime": "P90D"}""")
public record CreateRegistryTokenRequest(
        @Schema(description = "5 to 50 letters, digits and hyphens; unique in the registry, case-insensitive",
                example = "team-a-pull", requiredMode = Schema.RequiredMode.REQUIRED)
        String name,
        @Schema(description = "Repository name (or '<prefix>/*') to its actions: content/read, content/write, "
                + "content/delete, metadata/read, metadata/write; at most 500 repositories",
                requiredMode = Schema.RequiredMode.REQUIRED)
        @Size(max = 500, message = "may map at most {max} repositories")
        Map<String, List<String>> repositories,
        @Schema(description = "ISO-8601 lifetime of each password PullBridge generates; the configured default "
                + "(pullbridge.registries.token-password-lifetime.default) when absent", example = "P90D")
        String passwordLifetime) {
}
