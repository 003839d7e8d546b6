package io.pullbridge.bindings.pullsecret;

import io.pullbridge.bindings.BindingMethod;
import io.pullbridge.bindings.BindingMethodHandler;
import io.pullbridge.bindings.BindingRecords;
import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.BindingsProperties;
import io.pullbridge.bindings.DockerConfigJson;
import io.pullbridge.bindings.PullSecretStatus;
import io.pullbridge.bindings.PullSecrets;
import io.pullbridge.clusters.ClusterApi;
import io.pullbridge.common.Condition;
import io.pullbridge.common.ResourceStatus;
import io.pullbridge.common.SecretMask;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.registry.ImageReference;
import io.pullbridge.registry.PullCheck;
import io.pullbridge.registry.RegistryHandshake;
import io.pullbridge.registry.RegistryLogin;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Pull-secret bindings: a service principal's or registry token's password written by {@link PullSecrets} into the
 * target namespaces, and proven by reading the secrets back and performing the registry handshake with them.
 */
@Component
class PullSecretHandler implements BindingMethodHandler {

    /** How long a pass waits for a credential that is still being made before it looks again. */
    static final Duration CREDENTIAL_WAIT = Duration.ofSeconds(10);

    private final PullSecretRequests requests;
    private final PullSecrets pullSecrets;
    private final RegistryHandshake handshake;
    private final BindingRecords records;
    private final BindingsProperties properties;
    private final Clock clock;

    PullSecretHandler(PullSecretRequests requests, PullSecrets pullSecrets, RegistryHandshake handshake,
                      BindingRecords records, BindingsProperties properties, Clock clock) {
        this.requests = requests;
        this.pullSecrets = pullSecrets;
        this.handshake = handshake;
        this.records = records;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public BindingMethod method() {
        return BindingMethod.PULL_SECRET;
    }

    @Override
    public String condition() {
        return ResourceStatus.DEGRADED;
    }

    @Override
    public Requests requests() {
        return requests;
    }

    @Override
    public JobResult apply(JobContext job, BindingSnapshot binding) throws Exception {
        Optional<PullSecrets.Desired> desired = job.step("read-credential", () -> {
            Optional<PullSecrets.Desired> found = pullSecrets.desired(binding);
            found.ifPresent(value -> job.protect(value.credential().password()));
            return found;
        }, found -> found.map(value -> value.credential().source().kind() + " " + value.credential().sourceId()
                + ", password " + value.credential().fingerprint()).orElse("the credential has no password yet"));
        if (desired.isEmpty()) {
            return JobResult.retryAfter(CREDENTIAL_WAIT, "waiting for the binding's "
                    + (binding.servicePrincipalId() != null ? "service principal " + binding.servicePrincipalId()
                    : "registry token " + binding.tokenId()) + " to have a password (it is still being created, "
                    + "or failed: see its status)");
        }
        PullSecrets.Pass pass = pullSecrets.apply(job, binding, desired.get(), binding.reconciledAt() == null);
        PullSecretStatus status = pass.status();
        job.step("record", () -> {
            records.update(job, binding.id(), row -> {
                row.setPullSecretStatus(status);
                row.reconciled(clock.instant(), pass.drift());
                row.getStatus().setCondition(status.failed() + status.conflicts() == 0
                        ? new Condition(condition(), "False", "AllNamespacesReady", status.ready()
                        + " of " + status.targeted() + " namespaces hold the secret" + (status.pending() == 0 ? ""
                        : "; " + status.pending() + " named namespaces do not exist yet"), clock.instant())
                        : new Condition(condition(), "True", status.conflicts() > 0 ? "SecretConflict"
                        : "NamespaceFailed", status.failed() + " failed, " + status.conflicts()
                        + " in conflict: " + status.issues().stream().filter(i -> !i.state().equals("pending"))
                        .limit(3).map(i -> i.namespace() + ": " + i.reason()).reduce((a, b) -> a + "; " + b)
                        .orElse(""), clock.instant()));
                row.touched(clock.instant());
            });
            return status.ready() + " ready, " + status.pending() + " pending, " + status.failed() + " failed, "
                    + status.conflicts() + " in conflict";
        });
        return JobResult.done((pass.drift().isEmpty() ? "" : "Repaired drift (" + pass.drift().size() + "). ")
                + status.ready() + " of " + status.targeted() + " namespaces hold the secret"
                + (status.complete() ? "" : " (" + status.pending() + " pending, " + status.failed() + " failed, "
                + status.conflicts() + " in conflict)"));
    }

    /**
     * Reads the binding's secrets back from the cluster (a sample of its namespaces, or all), decodes each
     * {@code .dockerconfigjson}, and proves with a registry handshake that its credentials can pull (the named image,
     * when the request named one). Identical secrets are proven once.
     */
    @Override
    public Verification verify(JobContext job, BindingSnapshot binding) throws Exception {
        List<String> problems = new ArrayList<>();
        String server = pullSecrets.server(binding);
        List<ClusterApi.Secret> secrets = job.step("read-secrets", () -> {
            // What the secrets should hold, so that no answer quoting it shows it, even from a secret tampered with.
            pullSecrets.desired(binding).ifPresent(desired -> job.protect(desired.credential().password()));
            List<ClusterApi.Secret> read = pullSecrets.readBack(job, binding, properties.verifySample());
            read.forEach(secret -> secret.data().values().forEach(value ->
                    job.protect(new String(value, StandardCharsets.UTF_8))));
            read.stream().filter(secret -> secret.data().isEmpty()).limit(5).forEach(secret -> problems.add(
                    "namespace " + secret.namespace() + " has no secret " + secret.name()));
            return read;
        }, read -> {
            long missing = read.stream().filter(secret -> secret.data().isEmpty()).count();
            return read.size() + " namespace" + (read.size() == 1 ? "" : "s") + " read"
                    + (missing == 0 ? "" : ", " + missing + " without the secret");
        });
        if (secrets.isEmpty()) {
            problems.add("the binding targets no namespace that exists");
            return new Verification(problems, "");
        }
        String image = job.data().get(VERIFY_IMAGE);
        ImageReference reference = image == null ? null : ImageReference.parse(image);
        job.step("registry-handshake", () -> {
            Map<String, PullCheck> checked = new LinkedHashMap<>();
            for (ClusterApi.Secret secret : secrets) {
                byte[] config = secret.data().get(PullSecrets.DOCKER_CONFIG_KEY);
                if (config == null) {
                    continue;
                }
                String key = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(config));
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
                    job.protect(login.get().password(), SecretMask.basicCredentials(login.get().username(),
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
        return new Verification(problems, "");
    }

    @Override
    public Optional<JobResult.RetryAfter> remove(JobContext job, BindingSnapshot binding) throws Exception {
        pullSecrets.remove(job, binding);
        return Optional.empty();
    }

    @Override
    public boolean verifiesImages() {
        return true;
    }

    @Override
    public Optional<String> rotateRefusal() {
        return Optional.of("a service principal or registry token: rotate that (POST "
                + "/api/v1/service-principals/{id}:rotate or /api/v1/registries/{registryId}/tokens/{tokenId}:rotate)");
    }
}
