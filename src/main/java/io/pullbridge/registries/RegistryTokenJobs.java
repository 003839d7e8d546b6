package io.pullbridge.registries;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.common.CredentialRotated;
import io.pullbridge.common.CredentialUsers;
import io.pullbridge.common.Phase;
import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobHandler;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.registries.RegistryTokenStore.GeneratedPassword;
import io.pullbridge.registries.RegistryTokenStore.PasswordSlot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The registry tokens' jobs, through the {@link RegistryTokenStore} port.
 *
 * <p>{@code registry-token.create} and {@code registry-token.update} put the token's scope map (its repositories
 * and actions) and the token bound to it, then make sure a password is stored: the first one is generated in slot
 * {@code password1}; a run that finds one stored does not generate another.
 *
 * <p>{@code registry-token.rotate} generates a new password in the slot the current one does not use (so rotations
 * alternate: password2, then password1, ...) and makes it current, publishes {@link CredentialRotated}, waits until
 * every {@link CredentialUsers} reports that nothing still holds the previous password (a wait, not a retry, bounded
 * by {@code pullbridge.registries.token-rotation.switch-timeout}), and then retires the previous password. ACR has
 * no call that removes one password here, so retiring generates a new password in the old slot and discards it: the
 * old value stops working at once, and the discarded one, which nobody ever sees, expires after the shortest token
 * password lifetime.
 */
@Component
class RegistryTokenJobs implements JobHandler {

    static final String CREATE = "registry-token.create";
    static final String UPDATE = "registry-token.update";
    static final String ROTATE = "registry-token.rotate";

    private static final int USERS_SHOWN = 5;

    private final RegistryTokenRepository tokens;
    private final RegistryRepository registries;
    private final RegistryTokenStore store;
    private final SecretCipher cipher;
    private final List<CredentialUsers> users;
    private final RegistriesProperties properties;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final Clock clock;

    RegistryTokenJobs(RegistryTokenRepository tokens, RegistryRepository registries, RegistryTokenStore store,
                      SecretCipher cipher, List<CredentialUsers> users, RegistriesProperties properties,
                      AuditLog audit, ApplicationEventPublisher events, TransactionTemplate tx, Clock clock) {
        this.tokens = tokens;
        this.registries = registries;
        this.store = store;
        this.cipher = cipher;
        this.users = users;
        this.properties = properties;
        this.audit = audit;
        this.events = events;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public Set<String> types() {
        return Set.of(CREATE, UPDATE, ROTATE);
    }

    @Override
    public JobResult handle(JobContext context) throws Exception {
        Optional<Target> found = load(context.targetId());
        if (found.isEmpty()) {
            return JobResult.done("the token was removed before its job ran");
        }
        Target token = found.get();
        if (token.deleting()) {
            return JobResult.done("the token is being deleted; nothing to do");
        }
        if (token.hasCredential()) {
            // ACR knows the token's passwords: an error it answers with may quote the current one.
            context.protect(currentPassword(token.id()));
        }
        return context.type().equals(ROTATE) ? rotate(context, token) : apply(context, token);
    }

    // ---- create and update

    private JobResult apply(JobContext context, Target token) throws Exception {
        String scopeMap = RegistryTokenRules.scopeMapName(token.name());
        context.step("put-scope-map", () -> {
            store.putScopeMap(token.registryResourceId(), scopeMap, token.repositories());
            int actions = token.repositories().values().stream().mapToInt(List::size).sum();
            int repositories = token.repositories().size();
            return "scope map " + scopeMap + ": " + repositories + (repositories == 1 ? " repository, " : " repositories, ")
                    + actions + (actions == 1 ? " action" : " actions");
        });
        context.step("put-token", () -> {
            store.putToken(token.registryResourceId(), token.name(), scopeMap);
            return "token " + token.name() + " enabled, bound to scope map " + scopeMap;
        });
        AtomicReference<String> password = new AtomicReference<>();
        context.step("generate-password", () -> {
            if (token.hasCredential()) {
                password.set(RegistryToken.slotName(token.slot()) + " expires " + token.expiresAt());
                return RegistryToken.slotName(token.slot()) + " is already stored (" + token.fingerprint()
                        + "); not generated again";
            }
            Instant now = clock.instant();
            GeneratedPassword generated = store.generatePassword(token.registryResourceId(), token.name(),
                    PasswordSlot.PASSWORD1, expiry(now, token.lifetime()));
            context.protect(generated.value());
            String fingerprint = context.fenced(() -> tokens.findById(token.id()).map(row -> {
                String value = cipher.fingerprint(generated.value());
                row.storeFirstPassword(cipher.encrypt(generated.value(), row.credentialContext()), generated.slot(),
                        now, generated.expiresAt(), value);
                row.touched(now);
                audit.recordBy(context.requestedBy(), "registry-token.password-generated",
                        ResourceKinds.REGISTRY_TOKEN, token.id(), AuditLog.SUCCESS, describe(generated, value));
                return value;
            }).orElse(null));
            password.set("password1 expires " + generated.expiresAt());
            return describe(generated, fingerprint);
        });
        return JobResult.done("token " + token.name() + " on scope map " + scopeMap + "; " + password.get());
    }

    // ---- rotation

    private JobResult rotate(JobContext context, Target token) throws Exception {
        if (!token.hasCredential()) {
            throw JobFailure.permanent("registry-token-without-password",
                    "The token has no password to rotate", 409, "Token " + token.name() + " has no password yet: its "
                            + "create job has not generated one; retry that job, then rotate");
        }
        AtomicReference<Target> current = new AtomicReference<>(token);
        if (token.retiring() == null) {
            PasswordSlot next = RegistryToken.other(token.slot());
            context.step("generate-password", () -> {
                Instant now = clock.instant();
                GeneratedPassword generated = store.generatePassword(token.registryResourceId(), token.name(), next,
                        expiry(now, token.lifetime()));
                context.protect(generated.value());
                String fingerprint = cipher.fingerprint(generated.value());
                context.fenced(() -> tokens.findById(token.id()).ifPresent(row -> {
                    row.rotatedTo(cipher.encrypt(generated.value(), row.credentialContext()), generated.slot(), now,
                            generated.expiresAt(), fingerprint);
                    row.touched(now);
                    audit.recordBy(context.requestedBy(), "registry-token.password-generated",
                            ResourceKinds.REGISTRY_TOKEN, token.id(), AuditLog.SUCCESS,
                            describe(generated, fingerprint) + "; " + RegistryToken.slotName(token.slot())
                                    + " keeps working until every user holds the new password");
                }));
                // After the commit: whoever writes the credential elsewhere reads the new password from the row.
                events.publishEvent(new CredentialRotated(reference(token), fingerprint));
                current.set(token.rotated(next, fingerprint, generated.expiresAt(), now));
                return describe(generated, fingerprint) + ", now current; " + RegistryToken.slotName(token.slot())
                        + " keeps working until every user holds the new password";
            });
        } else if (context.attempt() == 1) {
            context.step("generate-password", () -> RegistryToken.slotName(token.slot()) + " ("
                    + token.fingerprint() + ") was generated by the rotation that began at "
                    + token.rotationStartedAt() + " and is current; not generated again");
        }
        Target rotating = current.get();
        List<String> waiting = new ArrayList<>();
        context.step("wait-for-users", () -> {
            Reference credential = reference(rotating);
            for (CredentialUsers source : users) {
                waiting.addAll(source.notYetSwitched(credential, rotating.fingerprint()));
            }
            if (waiting.isEmpty()) {
                return users.isEmpty() ? "nothing writes the token's password elsewhere"
                        : "every user holds the new password";
            }
            Duration timeout = properties.tokenRotation().switchTimeout();
            Instant began = rotating.rotationStartedAt() != null ? rotating.rotationStartedAt() : clock.instant();
            if (!clock.instant().isBefore(began.plus(timeout))) {
                throw JobFailure.permanent("credential-users-not-switched",
                        "Users of the credential still hold the previous password", 409,
                        summary(waiting) + " after " + timeout + "; the previous password ("
                                + RegistryToken.slotName(rotating.retiring()) + ") keeps working and the new one ("
                                + RegistryToken.slotName(rotating.slot()) + ") is current. Once they hold the new "
                                + "one, ask for the rotation again: it waits again, without generating another "
                                + "password");
            }
            return summary(waiting);
        });
        if (!waiting.isEmpty()) {
            return JobResult.retryAfter(properties.tokenRotation().switchPollInterval(), summary(waiting)
                    + "; " + RegistryToken.slotName(rotating.retiring()) + " is retired once none does");
        }
        String retired = RegistryToken.slotName(rotating.retiring());
        context.step("retire-password", () -> {
            Instant now = clock.instant();
            // Generated again and dropped unread: the previous value stops working. See the class comment.
            store.generatePassword(rotating.registryResourceId(), rotating.name(), rotating.retiring(),
                    expiry(now, properties.tokenPasswordLifetime().min()));
            context.fenced(() -> tokens.findById(rotating.id()).ifPresent(row -> {
                row.retired();
                row.touched(now);
                audit.recordBy(context.requestedBy(), "registry-token.password-retired",
                        ResourceKinds.REGISTRY_TOKEN, rotating.id(), AuditLog.SUCCESS, retired
                                + " generated again and discarded: the previous password no longer works");
            }));
            return retired + " generated again and discarded: the previous password no longer works";
        });
        return JobResult.done(RegistryToken.slotName(rotating.slot()) + " is current (" + rotating.fingerprint()
                + ", expires " + rotating.expiresAt() + "); " + retired + " retired");
    }

    // ---- helpers

    /** What a job needs of its token, read once when it starts. */
    private record Target(UUID id, String name, String registryResourceId, Map<String, List<String>> repositories,
                          Duration lifetime, boolean deleting, boolean hasCredential, PasswordSlot slot,
                          String fingerprint, Instant expiresAt, PasswordSlot retiring, Instant rotationStartedAt) {

        Target rotated(PasswordSlot next, String newFingerprint, Instant newExpiresAt, Instant now) {
            return new Target(id, name, registryResourceId, repositories, lifetime, deleting, true, next,
                    newFingerprint, newExpiresAt, slot, now);
        }
    }

    private Optional<Target> load(UUID id) {
        return tx.execute(status -> tokens.findById(id).flatMap(token -> registries.findById(token.getRegistryId())
                .map(registry -> new Target(token.getId(), token.getName(), registry.getResourceId(),
                        Map.copyOf(token.getRepositories()), Duration.parse(token.getPasswordLifetime()),
                        token.getStatus().phase() == Phase.Deleting, token.hasCredential(),
                        token.getCredentialSlot(), token.getCredentialFingerprint(), token.getCredentialExpiresAt(),
                        token.getRetiringSlot(), token.getRotationStartedAt()))));
    }

    private String currentPassword(UUID id) {
        return tx.execute(status -> tokens.findById(id).filter(RegistryToken::hasCredential)
                .map(token -> cipher.decrypt(token.getCredential(), token.credentialContext())).orElse(null));
    }

    private static Instant expiry(Instant now, Duration lifetime) {
        return now.plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
    }

    private static Reference reference(Target token) {
        return new Reference(ResourceKinds.REGISTRY_TOKEN, token.id());
    }

    private static String describe(GeneratedPassword generated, String fingerprint) {
        return RegistryToken.slotName(generated.slot()) + " generated, expires " + generated.expiresAt() + " ("
                + fingerprint + ")";
    }

    private static String summary(List<String> waiting) {
        String shown = String.join("; ", waiting.subList(0, Math.min(USERS_SHOWN, waiting.size())));
        return waiting.size() + (waiting.size() == 1 ? " user still holds" : " users still hold")
                + " the previous password: " + shown
                + (waiting.size() > USERS_SHOWN ? "; and " + (waiting.size() - USERS_SHOWN) + " more" : "");
    }
}
