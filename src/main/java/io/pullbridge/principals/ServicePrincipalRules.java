package io.pullbridge.principals;

import io.pullbridge.common.AzureProperties;
import io.pullbridge.registries.PasswordLifetimes;
import io.pullbridge.web.Violations;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The rules a service principal request must follow that need no database: which fields each mode takes, names,
 * lifetimes, passwords and the shape of grants. Every broken rule is collected so one answer lists them all.
 */
@Component
class ServicePrincipalRules {

    static final int DISPLAY_NAME_MAX = 120;
    static final int PASSWORD_MAX = 1024;

    private final PrincipalsProperties properties;
    private final AzureProperties azure;
    private final Clock clock;

    ServicePrincipalRules(PrincipalsProperties properties, AzureProperties azure, Clock clock) {
        this.properties = properties;
        this.azure = azure;
        this.clock = clock;
    }

    record GrantSpec(UUID registryId, AcrRole role) {
    }

    /** A checked create request; {@code password} is the adopted principal's secret, null in mode create. */
    record NewPrincipal(PrincipalMode mode, String displayName, UUID appId, UUID objectId, UUID tenantId,
                        String passwordLifetime, String password, Instant passwordExpiresAt, List<GrantSpec> grants) {

        @Override
        public String toString() {
            return "NewPrincipal[mode=" + mode + ", displayName=" + displayName + ", appId=" + appId + "]";
        }
    }

    /** A checked PATCH; a null component stays unchanged. */
    record Changes(List<GrantSpec> grants, String passwordLifetime) {
    }

    /** @throws io.pullbridge.web.ApiException 400 listing every broken rule */
    NewPrincipal checkCreate(CreateServicePrincipalRequest request) {
        Violations violations = new Violations();
        PrincipalMode mode = request.mode();
        violations.check(mode != null, "mode", "is required: create (PullBridge creates the application, the "
                + "service principal and its password) or adopt (an existing principal whose password you supply)");
        String displayName = request.displayName();
        String lifetime = null;
        UUID tenantId = null;
        if (mode == PrincipalMode.CREATE) {
            if (violations.check(displayName != null, "displayName", "is required with mode create")) {
                checkDisplayName(displayName, violations);
            }
            lifetime = checkLifetime(request.passwordLifetime(), violations);
            notWithCreate(request.appId() != null, "appId", violations);
            notWithCreate(request.objectId() != null, "objectId", violations);
            violations.check(request.tenantId() == null, "tenantId", "is not accepted with mode create: PullBridge "
                    + "creates principals in its own tenant (pullbridge.azure.tenant-id)");
            violations.check(request.password() == null, "password", "is not accepted with mode create: PullBridge "
                    + "generates the password of a principal it creates");
            violations.check(request.passwordExpiresAt() == null, "passwordExpiresAt", "is not accepted with mode "
                    + "create: PullBridge sets the expiry from passwordLifetime");
            tenantId = azure.tenantId();
            violations.check(tenantId != null, "mode", "create needs a default tenant "
                    + "(pullbridge.azure.tenant-id), and none is configured");
        } else if (mode == PrincipalMode.ADOPT) {
            if (displayName != null) {
                checkDisplayName(displayName, violations);
            }
            violations.check(request.passwordLifetime() == null, "passwordLifetime", "is not accepted with mode "
                    + "adopt: PullBridge does not create the passwords of an adopted principal; give "
                    + "passwordExpiresAt instead");
            if (request.appId() == null && request.objectId() == null) {
                violations.add("appId", "is required with mode adopt unless objectId is given: the application "
                        + "(client) id, a GUID");
                violations.add("objectId", "is required with mode adopt unless appId is given: the service "
                        + "principal's object id, a GUID");
            }
            tenantId = request.tenantId() != null ? request.tenantId() : azure.tenantId();
            violations.check(tenantId != null, "tenantId",
                    "is required: no default tenant is configured (pullbridge.azure.tenant-id)");
            checkPassword(request.password(), violations);
            violations.check(request.passwordExpiresAt() == null || request.passwordExpiresAt().isAfter(clock.instant()),
                    "passwordExpiresAt", "must be in the future: an expired password cannot be adopted");
        }
        List<GrantSpec> grants = checkGrants(request.grants(), violations);
        violations.throwIfAny();
        return new NewPrincipal(mode, displayName, request.appId(), request.objectId(), tenantId, lifetime,
                request.password(), request.passwordExpiresAt(), grants);
    }

    /** @throws io.pullbridge.web.ApiException 400 listing every broken rule */
    Changes checkUpdate(UpdateServicePrincipalRequest request, PrincipalMode mode) {
        Violations violations = new Violations();
        immutable(request.mode(), "mode", violations);
        immutable(request.displayName(), "displayName", violations);
        immutable(request.appId(), "appId", violations);
        immutable(request.objectId(), "objectId", violations);
        immutable(request.tenantId(), "tenantId", violations);
        String rotate = "cannot be changed with PATCH: replace the password with "
                + "POST /api/v1/service-principals/{id}:rotate";
        violations.check(request.password() == null, "password", rotate);
        violations.check(request.passwordExpiresAt() == null, "passwordExpiresAt", rotate);
        String lifetime = null;
        if (request.passwordLifetime() != null) {
            if (violations.check(mode == PrincipalMode.CREATE, "passwordLifetime", "applies only to mode create: "
                    + "PullBridge does not create the passwords of an adopted principal")) {
                lifetime = checkLifetime(request.passwordLifetime(), violations);
            }
        }
        List<GrantSpec> grants = request.grants() == null ? null : checkGrants(request.grants(), violations);
        violations.throwIfAny();
        return new Changes(grants, lifetime);
    }

    /** A checked rotate request; {@code password} is an adopted principal's new secret, null in mode create. */
    record Rotation(String password, Instant passwordExpiresAt) {

        @Override
        public String toString() {
            return "Rotation[password=" + (password == null ? "null" : "(redacted)") + ", passwordExpiresAt="
                    + passwordExpiresAt + "]";
        }
    }

    /**
     * Mode create: PullBridge makes the new password, so none may be given. Mode adopt: the caller made it in Entra
     * ID and gives it here, with its expiry when known.
     *
     * @throws io.pullbridge.web.ApiException 400 listing every broken rule
     */
    Rotation checkRotate(RotateServicePrincipalRequest request, PrincipalMode mode) {
        Violations violations = new Violations();
        String password = request == null ? null : request.password();
        Instant expiresAt = request == null ? null : request.passwordExpiresAt();
        if (mode == PrincipalMode.CREATE) {
            violations.check(password == null, "password", "is not accepted for a principal PullBridge created: "
                    + "PullBridge makes its new password");
            violations.check(expiresAt == null, "passwordExpiresAt", "is not accepted for a principal PullBridge "
                    + "created: the new password lives passwordLifetime");
        } else {
            if (password == null) {
                violations.add("password", "is required to rotate an adopted principal: PullBridge cannot make its "
                        + "passwords; add a new one to the application in Entra ID and give it here (write-only)");
            } else {
                checkPassword(password, violations);
            }
            violations.check(expiresAt == null || expiresAt.isAfter(clock.instant()), "passwordExpiresAt",
                    "must be in the future");
        }
        violations.throwIfAny();
        return new Rotation(password, expiresAt);
    }

    /** Entra's display name limits, and no control characters (they break portals, logs and CLIs alike). */
    static void checkDisplayName(String displayName, Violations violations) {
        int length = displayName.codePointCount(0, displayName.length());
        if (!violations.check(length >= 1 && length <= DISPLAY_NAME_MAX, "displayName",
                "must be 1 to " + DISPLAY_NAME_MAX + " characters")) {
            return;
        }
        if (!violations.check(!displayName.isBlank(), "displayName", "must not be blank")) {
            return;
        }
        violations.check(displayName.codePoints().noneMatch(Character::isISOControl), "displayName",
                "must not contain control characters (such as line breaks or tabs)");
    }

    static void checkPassword(String password, Violations violations) {
        if (!violations.check(password != null, "password", "is required with mode adopt: the principal's client "
                + "secret (write-only)")) {
            return;
        }
        // The value itself never appears in a message: it is a secret even when it is malformed.
        violations.check(!password.isBlank() && password.length() <= PASSWORD_MAX, "password",
                "must be 1 to " + PASSWORD_MAX + " characters and not blank");
    }

    static List<GrantSpec> checkGrants(List<GrantRequest> grants, Violations violations) {
        if (!violations.check(grants != null && !grants.isEmpty(), "grants",
                "must list at least one grant of a role (acrpull, acrpush or owner) on a registry")) {
            return List.of();
        }
        List<GrantSpec> specs = new ArrayList<>();
        Map<GrantSpec, Integer> seen = new HashMap<>();
        for (int i = 0; i < grants.size(); i++) {
            GrantRequest grant = grants.get(i);
            String field = "grants[" + i + "]";
            if (!violations.check(grant != null, field, "must be an object with registryId and role")) {
                continue;
            }
            boolean complete = violations.check(grant.registryId() != null, field + ".registryId",
                    "is required: the id of a registry registered with PullBridge");
            complete &= violations.check(grant.role() != null, field + ".role",
                    "is required: one of acrpull, acrpush, owner");
            if (!complete) {
                continue;
            }
            GrantSpec spec = new GrantSpec(grant.registryId(), grant.role());
            Integer first = seen.putIfAbsent(spec, i);
            if (violations.check(first == null, field, "repeats grants[" + first + "]: the same role on the same "
                    + "registry")) {
                specs.add(spec);
            }
        }
        return specs;
    }

    private String checkLifetime(String requested, Violations violations) {
        PrincipalsProperties.PasswordLifetime bounds = properties.passwordLifetime();
        return PasswordLifetimes.check(requested, bounds.min(), bounds.max(), bounds.defaultLifetime(),
                "passwordLifetime", violations);
    }

    private static void notWithCreate(boolean present, String field, Violations violations) {
        violations.check(!present, field, "is not accepted with mode create: it belongs to mode adopt, for a "
                + "principal that already exists");
    }

    private static void immutable(JsonNode value, String field, Violations violations) {
        violations.check(value == null, field, "is immutable: it identifies the service principal; create another "
                + "service principal instead");
    }
}
