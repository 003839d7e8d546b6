package io.pullbridge.principals;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.lifecycle.ResourceLifecycle;
import io.pullbridge.common.Phase;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.registries.RegistryService;
import io.pullbridge.registries.RegistryView;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.ETags;
import io.pullbridge.web.FieldViolation;
import io.pullbridge.web.PageRequest;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.ProblemType;
import io.pullbridge.web.RequestContext;
import jakarta.persistence.criteria.Join;
import jakarta.persistence.criteria.Root;
import jakarta.persistence.criteria.Subquery;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Service principals PullBridge created or adopted, with their grants on registries. An adopted principal's
 * password is accepted once, stored only encrypted, and shown only as "set", an expiry and a fingerprint.
 */
@Service
public class ServicePrincipalService {

    private final ServicePrincipalRepository principals;
    private final ServicePrincipalRules rules;
    private final RegistryService registries;
    private final ResourceLifecycle lifecycle;
    private final SecretCipher cipher;
    private final AuditLog audit;
    private final Clock clock;

    ServicePrincipalService(ServicePrincipalRepository principals, ServicePrincipalRules rules,
                            RegistryService registries, ResourceLifecycle lifecycle, SecretCipher cipher,
                            AuditLog audit, Clock clock) {
        this.principals = principals;
        this.rules = rules;
        this.registries = registries;
        this.lifecycle = lifecycle;
        this.cipher = cipher;
        this.audit = audit;
        this.clock = clock;
    }

    /** The outcome of a PATCH: {@code accepted} when the change needs work in Azure (the grants changed). */
    record Updated(ServicePrincipal principal, boolean accepted) {
    }

    @Transactional
    ServicePrincipal create(CreateServicePrincipalRequest request) {
        ServicePrincipalRules.NewPrincipal spec = rules.checkCreate(request);
        requireRegistries(spec.grants());
        if (spec.mode() == PrincipalMode.CREATE) {
            principals.findCreatedByDisplayName(spec.tenantId(), spec.displayName()).ifPresent(existing -> {
                throw ApiException.alreadyExists("displayName", "PullBridge already created a service principal "
                        + "named '" + existing.getDisplayName() + "' in tenant " + existing.getTenantId() + " (id "
                        + existing.getId() + "); display names must be unique, as 'az ad sp create-for-rbac' "
                        + "requires. To use a principal that already exists, register it with mode adopt and its "
                        + "appId, objectId and password.");
            });
        } else {
            principals.findByTenantIdAndAppId(spec.tenantId(), spec.appId()).ifPresent(existing -> {
                throw ApiException.alreadyExists("appId", "The service principal with appId " + existing.getAppId()
                        + " in tenant " + existing.getTenantId() + " is already known to PullBridge as "
                        + existing.getId() + "; change its grants there");
            });
        }
        ServicePrincipal principal = new ServicePrincipal(UUID.randomUUID(), spec.mode(), spec.displayName(),
                spec.appId(), spec.objectId(), spec.tenantId(), spec.passwordLifetime(), clock.instant(),
                RequestContext.actor());
        principal.replaceGrants(spec.grants());
        if (spec.password() != null) {
            principal.setCredential(cipher.encrypt(spec.password(), principal.credentialContext()),
                    spec.passwordExpiresAt(), cipher.fingerprint(spec.password()));
        }
        principal = principals.saveAndFlush(principal);
        audit.recorded("service-principal.create", ResourceKinds.SERVICE_PRINCIPAL, principal.getId(),
                describe(principal));
        return principal;
    }

    @Transactional(readOnly = true)
    ServicePrincipal get(UUID id) {
        return principals.findWithGrantsById(id)
                .orElseThrow(() -> ApiException.notFound(ResourceKinds.SERVICE_PRINCIPAL, id));
    }

    @Transactional(readOnly = true)
    PageResponse<ServicePrincipalResponse> list(String mode, String displayName, UUID appId, UUID registryId,
                                                Phase phase, PageRequest page) {
        Specification<ServicePrincipal> spec = page.after("createdAt");
        if (mode != null) {
            PrincipalMode wanted = parseMode(mode);
            spec = spec.and((root, q, cb) -> cb.equal(root.get("mode"), wanted));
        }
        if (displayName != null) {
            String lower = displayName.toLowerCase(Locale.ROOT);
            spec = spec.and((root, q, cb) -> cb.equal(cb.lower(root.get("displayName")), lower));
        }
        if (appId != null) {
            spec = spec.and((root, q, cb) -> cb.equal(root.get("appId"), appId));
        }
        if (registryId != null) {
            spec = spec.and((root, q, cb) -> {
                Subquery<UUID> granted = q.subquery(UUID.class);
                Root<ServicePrincipal> holder = granted.from(ServicePrincipal.class);
                Join<ServicePrincipal, ServicePrincipalGrant> grant = holder.join("grants");
                granted.select(holder.get("id")).where(cb.equal(grant.get("registryId"), registryId));
                return root.get("id").in(granted);
            });
        }
        if (phase != null) {
            spec = spec.and((root, q, cb) -> cb.equal(root.get("status").get("phase"), phase));
        }
        List<ServicePrincipal> rows = principals.findBy(spec, query -> query.sortBy(PageRequest.order("createdAt"))
                .limit(page.fetchSize()).all());
        return page.page(rows, ServicePrincipal::getCreatedAt, ServicePrincipal::getId, ServicePrincipalResponse::of);
    }

    @Transactional
    Updated update(UUID id, String ifMatch, UpdateServicePrincipalRequest request) {
        ServicePrincipal principal = get(id);
        ETags.checkIfMatch(ifMatch, principal.getVersion());
        if (principal.getStatus().phase() == Phase.Deleting) {
            throw ApiException.deleting(null, ResourceKinds.SERVICE_PRINCIPAL, id);
        }
        ServicePrincipalRules.Changes changes = rules.checkUpdate(request, principal.getMode());
        boolean changed = false;
        boolean accepted = false;
        List<String> what = new ArrayList<>();
        if (changes.grants() != null) {
            requireRegistries(changes.grants());
            List<ServicePrincipalRules.GrantSpec> current = principal.getGrants().stream()
                    .map(grant -> new ServicePrincipalRules.GrantSpec(grant.getRegistryId(), grant.getRole()))
                    .toList();
            if (!current.equals(changes.grants())) {
                accepted = principal.replaceGrants(changes.grants());
                changed = true;
                what.add("grants=" + grants(principal));
            }
        }
        if (changes.passwordLifetime() != null
                && !changes.passwordLifetime().equals(principal.getPasswordLifetime())) {
            principal.setPasswordLifetime(changes.passwordLifetime());
            changed = true;
            what.add("passwordLifetime=" + changes.passwordLifetime());
        }
        if (accepted) {
            principal.getStatus().moveTo(Phase.Pending, "Waiting for PullBridge to apply the changed grants in Azure");
        }
        if (changed) {
            principal.touched(clock.instant());
            principal = principals.saveAndFlush(principal);
            audit.recorded("service-principal.update", ResourceKinds.SERVICE_PRINCIPAL, id,
                    identity(principal) + " " + String.join(" ", what));
        }
        return new Updated(principal, accepted);
    }

    /** Marks the principal Deleting and enqueues its delete job; refused while a binding uses it. */
    @Transactional
    ResourceLifecycle.Deletion<ServicePrincipal> delete(UUID id, String ifMatch) {
        ServicePrincipal principal = get(id);
        ResourceLifecycle.Deletion<ServicePrincipal> deletion = lifecycle.delete(ResourceKinds.SERVICE_PRINCIPAL, principal, ifMatch);
        principals.saveAndFlush(principal);
        return deletion;
    }

    /** The principal with this id, for features that reference principals. */
    @Transactional(readOnly = true)
    public Optional<ServicePrincipalView> find(UUID id) {
        return principals.findById(id).map(ServicePrincipal::view);
    }

    /** @throws ApiException 422 naming every grant whose registry PullBridge does not know */
    private void requireRegistries(List<ServicePrincipalRules.GrantSpec> grants) {
        Map<UUID, Boolean> known = new HashMap<>();
        List<FieldViolation> unknown = new ArrayList<>();
        for (int i = 0; i < grants.size(); i++) {
            UUID registryId = grants.get(i).registryId();
            if (registries.find(registryId).map(RegistryView::deleting).orElse(false)) {
                throw ApiException.deleting("grants[" + i + "].registryId", ResourceKinds.REGISTRY, registryId);
            }
            if (!known.computeIfAbsent(registryId, key -> registries.find(key).isPresent())) {
                unknown.add(new FieldViolation("grants[" + i + "].registryId",
                        "no " + ResourceKinds.REGISTRY + " with id " + registryId));
            }
        }
        if (!unknown.isEmpty()) {
            String detail = unknown.size() == 1 ? unknown.get(0).field() + ": " + unknown.get(0).message()
                    : unknown.size() + " grants name registries that PullBridge does not know";
            throw new ApiException(ProblemType.UNKNOWN_REFERENCE, detail, unknown, List.of());
        }
    }

    private static PrincipalMode parseMode(String mode) {
        for (PrincipalMode candidate : PrincipalMode.values()) {
            if (candidate.value().equalsIgnoreCase(mode.strip())) {
                return candidate;
            }
        }
        throw ApiException.invalid("mode", "must be one of create, adopt");
    }

    /** For audit events: who the principal is and what it may do, never its password. */
    static String describe(ServicePrincipal principal) {
        return identity(principal) + " grants=" + grants(principal);
    }

    private static String identity(ServicePrincipal principal) {
        StringBuilder identity = new StringBuilder("mode=").append(principal.getMode());
        if (principal.getDisplayName() != null) {
            identity.append(" displayName='").append(principal.getDisplayName()).append('\'');
        }
        if (principal.getAppId() != null) {
            identity.append(" appId=").append(principal.getAppId());
        }
        return identity.toString();
    }

    private static String grants(ServicePrincipal principal) {
        return principal.getGrants().stream()
                .map(grant -> grant.getRole() + "@registry/" + grant.getRegistryId())
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
