package io.pullbridge.bindings;

import io.pullbridge.clusters.ClusterApi;
import io.pullbridge.clusters.ServerHostPolicy;
import io.pullbridge.common.AzureProperties;
import io.pullbridge.common.Condition;
import io.pullbridge.common.Phase;
import io.pullbridge.common.ResourceStatus;
import io.pullbridge.common.SecretMask;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobHandler;
import io.pullbridge.jobs.JobProblem;
import io.pullbridge.jobs.JobResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A binding's jobs. {@code binding.apply} (after a create or an update) and {@code binding.reconcile} (the recurring
 * pass) run the same level-triggered steps, which make the world match the binding's spec and record the drift they
 * found; {@code binding.verify} proves that access is effective without changing anything.
 */
@Component
class BindingJobs implements JobHandler {

    static final String APPLY = "binding.apply";
    static final String RECONCILE = "binding.reconcile";
    static final String VERIFY = "binding.verify";
    static final String ROTATE = "binding.rotate";
    /** Job data of {@code binding.verify}: the image to check pull access to, if the request named one. */
    static final String IMAGE = "image";

    private final BindingRepository bindings;
    private final KubeletIdentityAccess kubelet;
    private final PullSecrets pullSecrets;
    private final ConnectedRegistryDeployment connectedRegistries;
    private final RegistryHandshake handshake;
    private final BindingsProperties properties;
    private final TransactionTemplate tx;
    private final Clock clock;

    BindingJobs(BindingRepository bindings, KubeletIdentityAccess kubelet, PullSecrets pullSecrets,
                ConnectedRegistryDeployment connectedRegistries, BindingsProperties properties,
                ServerHostPolicy hosts, AzureProperties azure, TransactionTemplate tx, Clock clock) {
        this.connectedRegistries = connectedRegistries;
        this.handshake = new RegistryHandshake(RegistryHandshake.Settings.defaults()
                .withTimeouts(properties.verifyTimeout(), properties.verifyTimeout()),
                RegistryDestinations.of(hosts, properties.tokenRealmHosts(), azure));
        this.properties = properties;
        this.bindings = bindings;
        this.kubelet = kubelet;
        this.pullSecrets = pullSecrets;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public Set<String> types() {
        return Set.of(APPLY, RECONCILE, VERIFY, ROTATE);
    }

    @Override
    public JobResult handle(JobContext context) throws Exception {
        Optional<BindingSnapshot> found = tx.execute(status -> bindings.findById(context.targetId())
                .filter(binding -> binding.getStatus().phase() != Phase.Deleting)
                .map(BindingSnapshot::of));
        if (found == null || found.isEmpty()) {
            return JobResult.done("the binding is gone or being deleted; nothing to do");
        }
        BindingSnapshot binding = found.get();
        if (context.type().equals(VERIFY)) {
            return verify(context, binding);
        }
        if (context.type().equals(ROTATE)) {
            if (binding.method() != BindingMethod.CONNECTED_REGISTRY) {
                throw JobFailure.permanent(JobProblem.of("invalid-state", "Nothing to rotate", 409, "Only "
                        + "connected-registry bindings have credentials of their own", FailureClass.PERMANENT), null);
            }
            return connectedRegistries.rotate(context, binding);
        }
        return switch (binding.method()) {
            case KUBELET_IDENTITY -> attach(context, binding);
            case PULL_SECRET -> writePullSecrets(context, binding);
            case CONNECTED_REGISTRY -> connectedRegistries.apply(context, binding);
        };
    }

    /** How long a pass waits for a credential that is still being made before it looks again. */
    static final Duration CREDENTIAL_WAIT = Duration.ofSeconds(10);

    private JobResult writePullSecrets(JobContext context, BindingSnapshot binding) throws Exception {
        AtomicReference<PullSecrets.Desired> desired = new AtomicReference<>();
        context.step("read-credential", () -> {
            desired.set(pullSecrets.desired(binding).orElse(null));
            if (desired.get() != null) {
                context.protect(desired.get().credential().password());
            }
            return desired.get() == null ? "the credential has no password yet"
                    : desired.get().credential().source().kind() + " " + desired.get().credential().sourceId()
                    + ", password " + desired.get().credential().fingerprint();
        });
        if (desired.get() == null) {
            return JobResult.retryAfter(CREDENTIAL_WAIT, "waiting for the binding's "
                    + (binding.servicePrincipalId() != null ? "service principal " + binding.servicePrincipalId()
                    : "registry token " + binding.tokenId()) + " to have a password (it is still being created, "
                    + "or failed: see its status)");
        }
        PullSecrets.Pass pass = pullSecrets.apply(context, binding, desired.get(), binding.reconciledAt() == null);
        PullSecretStatus status = pass.status();
        context.step("record", () -> {
            context.fenced(() -> bindings.findById(binding.id()).ifPresent(row -> {
                row.setPullSecretStatus(status);
                row.reconciled(clock.instant(), pass.drift());
                row.getStatus().setCondition(status.failed() + status.conflicts() == 0
                        ? new Condition(ResourceStatus.DEGRADED, "False", "AllNamespacesReady", status.ready()
                        + " of " + status.targeted() + " namespaces hold the secret" + (status.pending() == 0 ? ""
                        : "; " + status.pending() + " named namespaces do not exist yet"), clock.instant())
                        : new Condition(ResourceStatus.DEGRADED, "True", status.conflicts() > 0 ? "SecretConflict"
                        : "NamespaceFailed", status.failed() + " failed, " + status.conflicts()
                        + " in conflict: " + status.issues().stream().filter(i -> !i.state().equals("pending"))
                        .limit(3).map(i -> i.namespace() + ": " + i.reason()).reduce((a, b) -> a + "; " + b)
                        .orElse(""), clock.instant()));
                row.touched(clock.instant());
            }));
            return status.ready() + " ready, " + status.pending() + " pending, " + status.failed() + " failed, "
                    + status.conflicts() + " in conflict";
        });
        return JobResult.done((pass.drift().isEmpty() ? "" : "Repaired drift (" + pass.drift().size() + "). ")
                + status.ready() + " of " + status.targeted() + " namespaces hold the secret"
                + (status.complete() ? "" : " (" + status.pending() + " pending, " + status.failed() + " failed, "
                + status.conflicts() + " in conflict)"));
    }

    private JobResult attach(JobContext context, BindingSnapshot binding) throws Exception {
        KubeletIdentityAccess.Attached attached = kubelet.attach(context, binding, binding.kubelet());
        context.step("record", () -> {
            context.fenced(() -> bindings.findById(binding.id()).ifPresent(row -> {
                row.setKubeletAssignment(attached.assignment());
                row.reconciled(clock.instant(), attached.drift());
                row.getStatus().setCondition(new Condition(KubeletIdentityAccess.ROLE_ASSIGNED, "True",
                        attached.assignment().createdByPullBridge() ? "Assigned" : "Adopted",
                        attached.assignment().role() + " for kubelet identity "
                                + attached.assignment().principalObjectId(), clock.instant()));
                row.touched(clock.instant());
            }));
            return attached.drift().isEmpty() ? "no drift" : "repaired: " + String.join("; ", attached.drift());
        });
        KubeletAssignment made = attached.assignment();
        return JobResult.done((attached.drift().isEmpty() ? "" : "Repaired drift (" + String.join("; ",
                attached.drift()) + "). ") + made.role() + " assigned to kubelet identity "
                + made.principalObjectId());
    }

    private JobResult verify(JobContext context, BindingSnapshot binding) throws Exception {
        List<String> problems = switch (binding.method()) {
            case KUBELET_IDENTITY -> kubelet.verify(context, binding, binding.kubelet());
            case PULL_SECRET -> verifyPullSecrets(context, binding);
            default -> throw new IllegalStateException("no verification for " + binding.method() + " bindings");
        };
        String found = context.mask().apply(String.join("; ", problems));
        Condition verified = problems.isEmpty()
                ? new Condition("Verified", "True", "AccessEffective", "Access was proven by job " + context.jobId(),
                clock.instant())
                : new Condition("Verified", "False", "AccessNotEffective", found, clock.instant());
        recordVerification(context, binding.id(), verified);
        if (!problems.isEmpty()) {
            String repair = binding.method() == BindingMethod.KUBELET_IDENTITY
                    ? ". The next reconcile pass assigns the role again" : "";
            throw JobFailure.permanent(JobProblem.of("binding-not-effective", "Access is not effective", 409,
                    found + repair, FailureClass.PERMANENT), null);
        }
        return JobResult.done("access is effective");
    }

    /**
     * Reads the binding's secrets back from the cluster (a sample of its namespaces, or all), decodes each
     * {@code .dockerconfigjson}, and proves with a registry handshake that its credentials can pull (the named image,
     * when the request named one). Identical secrets are proven once.
     */
    private List<String> verifyPullSecrets(JobContext context, BindingSnapshot binding) throws Exception {
        List<String> problems = new ArrayList<>();
        List<ClusterApi.Secret> secrets = new ArrayList<>();
        String server = pullSecrets.server(binding);
        context.step("read-secrets", () -> {
            // What the secrets should hold, so that no answer quoting it shows it, even from a secret tampered with.
            pullSecrets.desired(binding).ifPresent(desired -> context.protect(desired.credential().password()));
            secrets.addAll(pullSecrets.readBack(binding, properties.verifySample()));
            secrets.forEach(secret -> secret.data().values().forEach(value ->
                    context.protect(new String(value, StandardCharsets.UTF_8))));
            long missing = secrets.stream().filter(secret -> secret.data().isEmpty()).count();
            secrets.stream().filter(secret -> secret.data().isEmpty()).limit(5).forEach(secret -> problems.add(
                    "namespace " + secret.namespace() + " has no secret " + secret.name()));
            return secrets.size() + " namespace" + (secrets.size() == 1 ? "" : "s") + " read"
                    + (missing == 0 ? "" : ", " + missing + " without the secret");
        });
        if (secrets.isEmpty()) {
            problems.add("the binding targets no namespace that exists");
            return problems;
        }
        String image = context.data().get(IMAGE);
        ImageReference reference = image == null ? null : ImageReference.parse(image);
        context.step("registry-handshake", () -> {
            Map<String, PullCheck> checked = new LinkedHashMap<>();
            for (ClusterApi.Secret secret : secrets) {
                byte[] config = secret.data().get(PullSecrets.DOCKER_CONFIG_KEY);
                if (config == null) {
                    continue;
                }
                String key = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(config));
                PullCheck check = checked.get(key);
                if (check == null) {
                    Optional<RegistryLogin> login;
                    try {
                        login = DockerConfigJson.login(config, server);
                    } catch (DockerConfigJson.InvalidException e) {
                        problems.add("the secret in " + secret.namespace() + ": " + e.getMessage());
                        continue;
                    }
                    if (login.isEmpty()) {
                        problems.add("the secret in " + secret.namespace() + " holds no credentials for " + server);
                        continue;
                    }
                    context.protect(login.get().password(), SecretMask.basicCredentials(login.get().username(),
                            login.get().password()));
                    check = reference == null ? handshake.verify(login.get())
                            : handshake.verify(login.get(), reference);
                    checked.put(key, check);
                }
                if (!check.success()) {
                    problems.add("the secret in " + secret.namespace() + ": " + check.reason() + ": "
                            + check.message());
                }
            }
            PullCheck any = checked.values().stream().findFirst().orElse(null);
            return checked.size() + " distinct credential" + (checked.size() == 1 ? "" : "s") + " tried against "
                    + server + (any == null ? "" : ": " + any.reason() + (any.manifestDigest() == null ? ""
                    : " " + any.manifestDigest()) + " (HTTP " + any.statuses() + ")");
        });
        return problems;
    }

    private void recordVerification(JobContext context, UUID id, Condition verified) {
        context.fenced(() -> bindings.findById(id).ifPresent(row -> {
            row.getStatus().setCondition(verified);
            row.touched(clock.instant());
        }));
    }
}
