package io.pullbridge.registries;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.common.Condition;
import io.pullbridge.common.EscalationProperties;
import io.pullbridge.common.CredentialRotated;
import io.pullbridge.common.Phase;
import io.pullbridge.common.PullCredential;
import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.jobs.JobRef;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.lifecycle.ResourceLifecycle;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.Filters;
import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.ProblemType;
import io.pullbridge.web.RequestContext;
import io.pullbridge.web.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Repository-scoped tokens of registries: a scope map and a token in the registry, whose password PullBridge
 * generates, stores only encrypted, and shows only as "set", a slot, an expiry and a fingerprint. Every change in
 * Azure is a job of {@link RegistryTokenJobs}; deletes run through the resource lifecycle
 * ({@link RegistryTokenResources}).
 * <p>
 * A token's password ends up in pull secrets that the caller's team can read, and PullBridge's identity may give a
 * token any action: actions beyond {@code pullbridge.security.operator-token-actions} (by default those that push,
 * delete or change metadata) are reserved to Admin, checked before anything is stored.
 */
@Service
public class RegistryTokenService {

    static final String CREDENTIAL_EXPIRING = "CredentialExpiring";

    private final RegistryTokenRepository tokens;
    private final RegistryRepository registries;
    private final RegistryTokenRules rules;
    private final ResourceLifecycle lifecycle;
    private final JobService jobs;
    private final SecretCipher cipher;
    private final RegistriesProperties properties;
    private final ApplicationEventPublisher events;
    private final AuditLog audit;
    private final EscalationProperties escalation;
    private final Clock clock;

    RegistryTokenService(RegistryTokenRepository tokens, RegistryRepository registries, RegistryTokenRules rules,
                         ResourceLifecycle lifecycle, JobService jobs, SecretCipher cipher,
                         RegistriesProperties properties, ApplicationEventPublisher events, AuditLog audit,
                         EscalationProperties escalation, Clock clock) {
        this.tokens = tokens;
        this.registries = registries;
        this.rules = rules;
        this.lifecycle = lifecycle;
        this.jobs = jobs;
        this.cipher = cipher;
        this.properties = properties;
        this.events = events;
        this.audit = audit;
        this.escalation = escalation;
        this.clock = clock;
    }

    /**
     * The outcome of a PATCH: {@code job} is the job that puts the new scope map when the change needs work in
     * Azure (the repositories changed), null otherwise.
     */
    record Updated(RegistryToken token, JobRef job) {

        boolean accepted() {
            return job != null;
        }
    }

    /** An accepted rotation: the token, and the job that rotates its password. */
    record Rotation(RegistryToken token, JobRef job) {
    }

    @Transactional
    RegistryToken create(UUID registryId, CreateRegistryTokenRequest request) {
        // The token's scope map and password live in the registry: a delete of the registry must not pass it by.
        registries.lockForUse(registryId);
        requireRegistry(registryId);
        registries.findById(registryId).filter(registry -> registry.getStatus().phase() == Phase.Deleting)
                .ifPresent(registry -> {
                    throw ApiException.deleting(null, ResourceKinds.REGISTRY, registryId);
                });
        RegistryTokenRules.NewToken spec = rules.checkCreate(request);
        requireActions(spec.repositories(), Map.of());
        tokens.findByRegistryIdAndNameIgnoreCase(registryId, spec.name()).ifPresent(existing -> {
            throw ApiException.alreadyExists("name", "The registry already has a token named '" + existing.getName()
                    + "' (id " + existing.getId() + "); token names are unique in a registry, whatever their case");
        });
        RegistryToken token = new RegistryToken(UUID.randomUUID(), registryId, spec.name(), spec.repositories(),
                spec.passwordLifetime(), clock.instant(), RequestContext.actor());
        JobRef job = jobs.enqueue(JobRequest.of(RegistryTokenJobs.CREATE, ResourceKinds.REGISTRY_TOKEN, token.getId()));
        token.getStatus().trackJob(job.id());
        token = tokens.saveAndFlush(token);
        audit.record("registry-token.create", ResourceKinds.REGISTRY_TOKEN, token.getId(), describe(token));
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
    PageResponse<RegistryTokenResponse> list(UUID registryId, String name, Phase phase, PageQuery page) {
        requireRegistry(registryId);
        return page.fetch(tokens, Specification.allOf(
                Filters.equal("registryId", registryId),
                Filters.equalIgnoringCase("name", name),
                Filters.phase(phase)), this::response);
    }

    @Transactional
    Updated update(UUID registryId, UUID tokenId, String ifMatch, UpdateRegistryTokenRequest request) {
        RegistryToken token = get(registryId, tokenId);
        lifecycle.checkChangeable(ResourceKinds.REGISTRY_TOKEN, token, ifMatch);
        RegistryTokenRules.Changes changes = rules.checkUpdate(request);
        if (changes.repositories() != null) {
            requireActions(changes.repositories(), token.getRepositories());
        }
        boolean changed = false;
        boolean accepted = false;
        JobRef job = null;
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
            job = jobs.enqueue(JobRequest.of(RegistryTokenJobs.UPDATE, ResourceKinds.REGISTRY_TOKEN, tokenId));
            token.getStatus().moveTo(Phase.Pending, "Waiting for PullBridge to update the token's scope map");
            token.getStatus().trackJob(job.id());
        }
        if (changed) {
            token.touched(clock.instant());
            token = tokens.saveAndFlush(token);
            audit.record("registry-token.update", ResourceKinds.REGISTRY_TOKEN, tokenId,
                    "name=" + token.getName() + " " + String.join(" ", what));
        }
        return new Updated(token, job);
    }

    /**
     * @throws ApiException 403 when {@code wanted} adds, to any repository, an action beyond
     *                      {@code pullbridge.security.operator-token-actions} that {@code current} does not hold
     *                      there, and the caller is not an Admin
     */
    private void requireActions(Map<String, List<String>> wanted, Map<String, List<String>> current) {
        Set<String> reserved = new TreeSet<>();
        wanted.forEach((repository, actions) -> actions.stream()
                .filter(action -> !escalation.operatorTokenActions().contains(action))
                .filter(action -> !current.getOrDefault(repository, List.of()).contains(action))
                .forEach(reserved::add));
        if (!reserved.isEmpty()) {
            RequestContext.require(Role.ADMIN, "giving a registry token " + String.join(", ", reserved) + " is "
                    + "reserved to Admin; Operators may give only " + (escalation.operatorTokenActions().isEmpty()
                    ? "no action" : String.join(", ", new TreeSet<>(escalation.operatorTokenActions())))
                    + " (" + EscalationProperties.TOKEN_ACTIONS + ")");
        }
    }

    /**
     * Enqueues a rotation of the token's password (see {@link RegistryTokenJobs}). While an earlier rotation still
     * waits for the users of the previous password (or gave up waiting), no other password is generated: the wait
     * starts again, and the users are told again that the credential changed.
     */
    @Transactional
    Rotation rotate(UUID registryId, UUID tokenId, String ifMatch) {
        RegistryToken token = get(registryId, tokenId);
        lifecycle.checkChangeable(ResourceKinds.REGISTRY_TOKEN, token, ifMatch);
        if (!token.hasCredential()) {
            throw new ApiException(ProblemType.INVALID_STATE, "Token " + token.getName() + " has no password to "
                    + "rotate yet: its create job (status.jobId) has not generated one; wait for it, or retry it if "
                    + "it failed");
        }
        JobRef job = jobs.enqueue(JobRequest.of(RegistryTokenJobs.ROTATE, ResourceKinds.REGISTRY_TOKEN, tokenId));
        token.getStatus().trackJob(job.id());
        String current = RegistryToken.slotName(token.getCredentialSlot());
        String detail;
        if (token.getRetiringSlot() != null) {
            token.rotationRequestedAgain(clock.instant());
            announceAfterCommit(new CredentialRotated(new Reference(ResourceKinds.REGISTRY_TOKEN, tokenId),
                    token.getCredentialFingerprint()));
            detail = "name=" + token.getName() + " resumes the rotation to " + current + ": waits again for its users, "
                    + "then retires " + RegistryToken.slotName(token.getRetiringSlot());
        } else {
            detail = "name=" + token.getName() + " from " + current + " to "
                    + RegistryToken.slotName(RegistryToken.other(token.getCredentialSlot()));
        }
        token.touched(clock.instant());
        token = tokens.saveAndFlush(token);
        audit.record("registry-token.rotate", ResourceKinds.REGISTRY_TOKEN, tokenId, detail);
        return new Rotation(token, job);
    }

    /** The token as the API shows it, with the conditions observed now ({@code CredentialExpiring}). */
    RegistryTokenResponse response(RegistryToken token) {
        return RegistryTokenResponse.of(token, credentialConditions(token, clock.instant(),
                properties.tokenRotation()));
    }

    /**
     * {@code CredentialExpiring}, computed from the stored expiry whenever the token is read, so it is exact at any
     * moment without a job rewriting rows: {@code True} from {@code expiry-warning} before the current password
     * expires (with the moment it became true as its transition time), {@code False} before that; absent while the
     * token has no password.
     */
    static List<Condition> credentialConditions(RegistryToken token, Instant now,
                                                RegistriesProperties.TokenRotation rotation) {
        Instant expires = token.getCredentialExpiresAt();
        if (!token.hasCredential() || expires == null) {
            return List.of();
        }
        Instant created = token.getCredentialCreatedAt();
        String slot = token.getCredentialSlot() == null ? "the password"
                : RegistryToken.slotName(token.getCredentialSlot());
        Instant warnFrom = expires.minus(rotation.expiryWarning());
        if (now.isBefore(warnFrom)) {
            return List.of(new Condition(CREDENTIAL_EXPIRING, "False", "PasswordValid", slot + " expires at "
                    + expires, created != null ? created : now));
        }
        String automatic = "";
        if (rotation.automatic() && created != null) {
            Instant due = created.plus(Duration.ofMillis(
                    (long) (Duration.between(created, expires).toMillis() * rotation.atLifetimeFraction())));
            automatic = "; automatic rotation is due from " + due;
        }
        if (!now.isBefore(expires)) {
            return List.of(new Condition(CREDENTIAL_EXPIRING, "True", "PasswordExpired", slot + " expired at "
                    + expires + ": pulls with this token fail until it is rotated (POST .../tokens/" + token.getId()
                    + ":rotate)" + automatic, expires));
        }
        return List.of(new Condition(CREDENTIAL_EXPIRING, "True", "PasswordExpiresSoon", slot + " expires at "
                + expires + "; rotate it (POST .../tokens/" + token.getId() + ":rotate)" + automatic,
                created != null && created.isAfter(warnFrom) ? created : warnFrom));
    }

    /**
     * The token's current password as a pull secret carries it, with the token's name as the username. Empty until
     * the token's create job has stored its first password, and once the token is being deleted. During a rotation
     * it is already the new password; the previous one keeps working until every {@code CredentialUsers} holds this
     * one.
     */
    @Transactional(readOnly = true)
    public Optional<PullCredential> pullCredential(UUID tokenId) {
        return tokens.findById(tokenId)
                .filter(RegistryToken::hasCredential)
                .filter(token -> token.getStatus().phase() != Phase.Deleting)
                .map(token -> new PullCredential(new Reference(ResourceKinds.REGISTRY_TOKEN, token.getId()),
                        token.getName(), cipher.decrypt(token.getCredential(), token.credentialContext()),
                        token.getCredentialFingerprint(), token.getCredentialExpiresAt()));
    }

    /** Marks the token Deleting and enqueues its delete job; refused while a binding uses it. */
    @Transactional
    ResourceLifecycle.Deletion<RegistryToken> delete(UUID registryId, UUID tokenId, String ifMatch) {
        tokens.lockForDelete(tokenId);
        return lifecycle.delete(ResourceKinds.REGISTRY_TOKEN, get(registryId, tokenId), ifMatch, tokens);
    }

    /** The token with this id, for features that reference tokens. */
    @Transactional(readOnly = true)
    public Optional<RegistryTokenView> find(UUID id) {
        return tokens.findById(id).map(RegistryToken::view);
    }

    /**
     * The token with this id, for a resource about to reference it: the row stays locked FOR SHARE until the caller's
     * transaction ends (see {@link ResourceLifecycle}). Call it before anything in the transaction loads the token:
     * a row already loaded is not read again.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<RegistryTokenView> findForUse(UUID id) {
        tokens.lockForUse(id);
        return tokens.findById(id).map(RegistryToken::view);
    }

    private void announceAfterCommit(CredentialRotated event) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                events.publishEvent(event);
            }
        });
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
