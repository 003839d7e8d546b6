package io.pullbridge.common;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What an Operator may ask PullBridge to grant ({@code pullbridge.security.*}). PullBridge's own Azure identity may
 * assign any role on a registry and give a registry token any action; what it grants ends up as a password in a pull
 * secret that the caller's team can read. Anything beyond pulling is therefore reserved to Admin unless these settings
 * let Operators ask for it too.
 *
 * @param operatorGrantableRoles the registry roles an Operator may grant a service principal (on create, adopt or a
 *                               PATCH that adds a grant): {@code acrpull}, {@code acrpush}, {@code owner}
 * @param operatorTokenActions   the actions an Operator may put in a registry token's repositories (on create or a
 *                               PATCH that adds them): {@code content/read}, {@code metadata/read},
 *                               {@code content/write}, {@code content/delete}, {@code metadata/write}
 */
@ConfigurationProperties("pullbridge.security")
@Validated
public record EscalationProperties(
        @DefaultValue("acrpull") @NotNull
        Set<@NotNull @Pattern(regexp = "acrpull|acrpush|owner", message = "must be acrpull, acrpush or owner")
                String> operatorGrantableRoles,
        @DefaultValue({"content/read", "metadata/read"}) @NotNull
        Set<@NotNull @Pattern(regexp = "content/read|content/write|content/delete|metadata/read|metadata/write",
                message = "must be content/read, content/write, content/delete, metadata/read or metadata/write")
                String> operatorTokenActions) {

    public static final String GRANTABLE_ROLES = "pullbridge.security.operator-grantable-roles";
    public static final String TOKEN_ACTIONS = "pullbridge.security.operator-token-actions";

    public EscalationProperties {
        operatorGrantableRoles = operatorGrantableRoles == null ? null : Set.copyOf(operatorGrantableRoles);
        operatorTokenActions = operatorTokenActions == null ? null : Set.copyOf(operatorTokenActions);
    }
}
