package io.pullbridge.registries;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.lifecycle.ResourceLifecycle;
import io.pullbridge.common.Phase;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.ETags;
import io.pullbridge.web.PageRequest;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.ProblemType;
import io.pullbridge.web.RequestContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Repository-scoped tokens of registries: a scope map and a token in the registry, whose password PullBridge
 * generates, stores only encrypted, and shows only as "set", an expiry and a fingerprint.
 */
@Service
public class RegistryTokenService {

    private final RegistryTokenRepository tokens;
    private final RegistryRepository registries;
    private final RegistryTokenRules rules;
    private final ResourceLifecycle lifecycle;
    private final AuditLog audit;
    private final Clock clock;

    RegistryTokenService(RegistryTokenRepository tokens, RegistryRepository registries, RegistryTokenRules rules,
                         ResourceLifecycle lifecycle, AuditLog audit, Clock clock) {
        this.tokens = tokens;
        this.registries = registries;
        this.rules = rules;
        this.lifecycle = lifecycle;
        this.audit = audit;
        this.clock = clock;
    }

    /** The outcome of a PATCH: {@code accepted} when the change needs work in Azure (the repositories changed). */
    record Updated(RegistryToken token, boolean accepted) {
    }

    @Transactional
    RegistryToken create(UUID registryId, CreateRegistryTokenRequest request) {
        requireRegistry(registryId);
        registries.findById(registryId).filter(registry -> registry.getStatus().phase() == Phase.Deleting)
                .ifPresent(registry -> {
                    throw ApiException.deleting(null, ResourceKinds.REGISTRY, registryId);
                });
        RegistryTokenRules.NewToken spec = rules.checkCreate(request);
        tokens.findByRegistryIdAndNameIgnoreCase(registryId, spec.name()).ifPresent(existing -> {
            throw ApiException.alreadyExists("name", "The registry already has a token named '" + existing.getName()
                    + "' (id " + existing.getId() + "); token names are unique in a registry, whatever their case");
        });
        RegistryToken token = tokens.saveAndFlush(new RegistryToken(UUID.randomUUID(), registryId, spec.name(),
                spec.repositories(), spec.passwordLifetime(), clock.instant(), RequestContext.actor()));
        audit.recorded("registry-token.create", ResourceKinds.REGISTRY_TOKEN, token.getId(), describe(token));
        return token;
    }

    @Transactional(readOnly = true)
    RegistryToken get(UUID registryId, UUID tokenId) {
        requireRegistry(registryId);
        return tokens.findById(tokenId)
                .filter(token -> token.getRegistryId().equals(registryId))
                .orElseThrow(() -> new ApiException(ProblemType.NOT_FOUND, "No " + ResourceKinds.REGISTRY_TOKEN
                        + " with id " + tokenId + " in registry " + registryId));
    }

    @Transactional(readOnly = true)
    PageResponse<RegistryTokenResponse> list(UUID registryId, String name, Phase phase, PageRequest page) {
        requireRegistry(registryId);
        Specification<RegistryToken> spec = page.<RegistryToken>after("createdAt")
                .and((root, q, cb) -> cb.equal(root.get("registryId"), registryId));
        if (name != null) {
            String lower = name.toLowerCase(Locale.ROOT);
            spec = spec.and((root, q, cb) -> cb.equal(cb.lower(root.get("name")), lower));
        }
        if (phase != null) {
            spec = spec.and((root, q, cb) -> cb.equal(root.get("status").get("phase"), phase));
        }
        List<RegistryToken> rows = tokens.findBy(spec, query -> query.sortBy(PageRequest.order("createdAt"))
                .limit(page.fetchSize()).all());
        return page.page(rows, RegistryToken::getCreatedAt, RegistryToken::getId, RegistryTokenResponse::of);
    }

    @Transactional
    Updated update(UUID registryId, UUID tokenId, String ifMatch, UpdateRegistryTokenRequest request) {
        RegistryToken token = get(registryId, tokenId);
        ETags.checkIfMatch(ifMatch, token.getVersion());
        requireNotDeleting(token);
        RegistryTokenRules.Changes changes = rules.checkUpdate(request);
        boolean changed = false;
        boolean accepted = false;
        List<String> what = new ArrayList<>();
        if (changes.repositories() != null && !changes.repositories().equals(token.getRepositories())) {
            accepted = !asSets(changes.repositories()).equals(asSets(token.getRepositories()));
            token.setRepositories(changes.repositories());
            changed = true;
            what.add("repositories=" + repositories(token));
        }
        if (changes.passwordLifetime() != null && !changes.passwordLifetime().equals(token.getPasswordLifetime())) {
            token.setPasswordLifetime(changes.passwordLifetime());
            changed = true;
            what.add("passwordLifetime=" + changes.passwordLifetime());
        }
        if (accepted) {
            token.getStatus().moveTo(Phase.Pending, "Waiting for PullBridge to update the token's scope map");
        }
        if (changed) {
            token.touched(clock.instant());
            token = tokens.saveAndFlush(token);
            audit.recorded("registry-token.update", ResourceKinds.REGISTRY_TOKEN, tokenId,
                    "name=" + token.getName() + " " + String.join(" ", what));
        }
        return new Updated(token, accepted);
    }

    /** Marks the token Deleting and enqueues its delete job; refused while a binding uses it. */
    @Transactional
    ResourceLifecycle.Deletion<RegistryToken> delete(UUID registryId, UUID tokenId, String ifMatch) {
        RegistryToken token = get(registryId, tokenId);
        ResourceLifecycle.Deletion<RegistryToken> deletion = lifecycle.delete(ResourceKinds.REGISTRY_TOKEN, token, ifMatch);
        tokens.saveAndFlush(token);
        return deletion;
    }

    /** The token with this id, for features that reference tokens. */
    @Transactional(readOnly = true)
    public Optional<RegistryTokenView> find(UUID id) {
        return tokens.findById(id).map(RegistryToken::view);
    }

    private static void requireNotDeleting(RegistryToken token) {
        if (token.getStatus().phase() == Phase.Deleting) {
            throw ApiException.deleting(null, ResourceKinds.REGISTRY_TOKEN, token.getId());
        }
    }

    private void requireRegistry(UUID registryId) {
        if (!registries.existsById(registryId)) {
            throw ApiException.notFound(ResourceKinds.REGISTRY, registryId);
        }
    }

    /** Actions are a set to ACR: a reordered list asks nothing new of Azure. */
    private static Map<String, Set<String>> asSets(Map<String, List<String>> repositories) {
        return repositories.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> new LinkedHashSet<>(entry.getValue())));
    }

    static String describe(RegistryToken token) {
        return "name=" + token.getName() + " registry=" + token.getRegistryId() + " repositories="
                + repositories(token);
    }

    private static String repositories(RegistryToken token) {
        return token.getRepositories().entrySet().stream()
                .map(entry -> entry.getKey() + ":" + String.join("+", entry.getValue()))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
