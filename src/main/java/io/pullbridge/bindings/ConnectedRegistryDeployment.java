package io.pullbridge.bindings;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.bindings.ConnectedRegistries.ConnectedRegistryFacts;
import io.pullbridge.bindings.ConnectedRegistries.ExtensionFacts;
import io.pullbridge.bindings.ConnectedRegistryStatus.Credentials;
import io.pullbridge.bindings.ConnectedRegistryStatus.Observed;
import io.pullbridge.bindings.ConnectedRegistryStatus.Progress;
import io.pullbridge.clusters.ClusterApi;
import io.pullbridge.clusters.ClusterConnections;
import io.pullbridge.clusters.ClusterKind;
import io.pullbridge.clusters.ClusterService;
import io.pullbridge.clusters.ClusterView;
import io.pullbridge.clusters.ConnectedClusterDirectory;
import io.pullbridge.common.Cidr;
import io.pullbridge.common.Condition;
import io.pullbridge.common.PullCredential;
import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.common.ResourceStatus;
import io.pullbridge.common.SecretMask;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobProblem;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.registries.RegistryDirectory;
import io.pullbridge.registries.RegistryService;
import io.pullbridge.registries.RegistryTokenStore;
import io.pullbridge.registries.RegistryTokenStore.GeneratedPassword;
import io.pullbridge.registries.RegistryTokenStore.PasswordSlot;
import io.pullbridge.registries.RegistryView;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A connected-registry binding's work, as named steps of its jobs: an ACR connected registry on the binding's
 * registry, run by the {@value ConnectedRegistries#EXTENSION_TYPE} Arc extension on the binding's Arc-enabled cluster,
 * and a pull secret for {@code <clusterIP>} in the target namespaces so pods pull through it.
 * <p>
 * What it makes, named as {@code az acr connected-registry create} names it: the sync scope map and sync token
 * (both named after the connected registry), a client scope map and client token named
 * {@code <connected registry>-client} limited to {@code content/read} and {@code metadata/read} on the synced
 * repositories, the connected registry (its client token ids naming the client token), and the extension, named after
 * the connected registry in lower case.
 * <p>
 * Passwords: the sync token's password exists only in memory and in the extension's protected settings (a new one
 * is generated whenever the extension has to be given one). The client token's password is stored encrypted on the
 * binding row, since reconciliation rewrites the pull secrets from it. ACR has no call that removes one password of a
 * token, so a rotation retires the previous password by generating a new one in its slot and discarding it unread,
 * as {@code registry-token.rotate} does.
 * <p>
 * No step blocks a worker while Azure works: a job that waits for the extension returns {@link JobResult#retryAfter}
 * and reads it again on its next run, within {@code pullbridge.bindings.connected-registry.extension-timeout}.
 */
@Component
class ConnectedRegistryDeployment {

    /** The client token and its scope map are named after the connected registry with this suffix. */
    static final String CLIENT_SUFFIX = "-client";
    /** What the client token may do on each synced repository: pull. */
    static final List<String> CLIENT_ACTIONS = List.of("content/read", "metadata/read");

    private static final String PROBLEMS = "connected-registry-";

    private final ConnectedRegistries connected;
    private final RegistryTokenStore tokens;
    private final RegistryDirectory registryDirectory;
    private final ConnectedClusterDirectory connectedClusters;
    private final RegistryService registries;
    private final ClusterService clusters;
    private final ClusterConnections connections;
    private final PullSecrets pullSecrets;
    private final SecretCipher cipher;
    private final BindingRepository bindings;
    private final BindingsProperties.ConnectedRegistry settings;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;

    ConnectedRegistryDeployment(ConnectedRegistries connected, RegistryTokenStore tokens,
                                RegistryDirectory registryDirectory, ConnectedClusterDirectory connectedClusters,
                                RegistryService registries, ClusterService clusters, ClusterConnections connections,
                                PullSecrets pullSecrets, SecretCipher cipher, BindingRepository bindings,
                                BindingsProperties properties, AuditLog audit, TransactionTemplate tx, Clock clock) {
        this.connected = connected;
        this.tokens = tokens;
        this.registryDirectory = registryDirectory;
        this.connectedClusters = connectedClusters;
        this.registries = registries;
        this.clusters = clusters;
        this.connections = connections;
        this.pullSecrets = pullSecrets;
        this.cipher = cipher;
        this.bindings = bindings;
        this.settings = properties.connectedRegistry();
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    static String clientTokenName(String connectedRegistryName) {
        return connectedRegistryName + CLIENT_SUFFIX;
    }

    static String clientScopeMapName(String connectedRegistryName) {
        return connectedRegistryName + CLIENT_SUFFIX;
    }

    static String extensionName(String connectedRegistryName) {
        return connectedRegistryName.toLowerCase(Locale.ROOT);
    }

    /** What a run works against, read once when it starts. */
    private record Target(BindingSnapshot binding, ConnectedRegistrySpec spec, RegistryView registry,
                          ClusterView cluster) {

        String registryId() {
            return registry.resourceId();
        }

        String clusterResourceId() {
            return cluster.resourceId();
        }

        String name() {
            return spec.name();
        }

        String syncToken() {
            return ConnectedRegistries.syncTokenName(spec.name());
        }

        String clientToken() {
            return clientTokenName(spec.name());
        }

        String extension() {
            return extensionName(spec.name());
        }

        String tokenId(String token) {
            return registry.resourceId() + "/tokens/" + token;
        }
    }

    // ---- apply and reconcile

    /**
     * Makes Azure and the cluster match the binding: checks first, then the tokens, the connected registry, the
     * extension (waiting for it to install), the pull secrets; records what it found. Level-triggered: a reconcile
     * pass repairs a deleted extension, token or password.
     */
    JobResult apply(JobContext job, BindingSnapshot binding) throws Exception {
        Target target = target(binding);
        ConnectedRegistryStatus start = status(binding);
        boolean resuming = job.jobId().equals(start.progress().deployJobId());
        boolean firstPass = binding.reconciledAt() == null;
        List<String> drift = new ArrayList<>();
        AtomicBoolean syncPasswordLost = new AtomicBoolean();

        if (!resuming) {
            check(job, target);
            job.step("put-sync-scope-map", () -> {
                connected.putSyncScopeMap(target.registryId(), target.name(), target.spec().mode(),
                        target.spec().repositories());
                return "scope map " + ConnectedRegistries.syncScopeMapName(target.name()) + ": "
                        + ConnectedRegistries.syncScopeMapActions(target.name(), target.spec().mode(),
                        target.spec().repositories()).size() + " actions";
            });
            job.step("put-sync-token", () -> {
                tokens.putToken(target.registryId(), target.syncToken(),
                        ConnectedRegistries.syncScopeMapName(target.name()));
                PasswordSlot slot = start.credentials().syncSlot();
                Set<PasswordSlot> slots = tokens.readPasswordSlots(target.registryId(), target.syncToken())
                        .orElse(Set.of());
                if (slot != null && !slots.contains(slot)) {
                    syncPasswordLost.set(true);
                    drift.add("sync token " + target.syncToken() + " had lost its " + slotName(slot)
                            + " (deleted or re-created outside PullBridge); the extension gets a new password");
                }
                return "token " + target.syncToken() + " enabled, bound to scope map "
                        + ConnectedRegistries.syncScopeMapName(target.name());
            });
            job.step("put-client-scope-map", () -> {
                tokens.putScopeMap(target.registryId(), clientScopeMapName(target.name()), clientRepositories(target));
                return "scope map " + clientScopeMapName(target.name()) + ": " + String.join(", ", CLIENT_ACTIONS)
                        + " on " + target.spec().repositories().size() + " repositor"
                        + (target.spec().repositories().size() == 1 ? "y" : "ies");
            });
            job.step("put-client-token", () -> {
                tokens.putToken(target.registryId(), target.clientToken(), clientScopeMapName(target.name()));
                return "token " + target.clientToken() + " enabled, bound to scope map "
                        + clientScopeMapName(target.name());
            });
        }
        if (!resuming) {
            job.step("put-connected-registry", () -> {
                boolean existed = connected.read(target.registryId(), target.name()).isPresent();
                connected.put(target.registryId(), connectedRegistrySettings(target));
                if (!existed && start.observed() != null && start.observed().provisioningState() != null) {
                    drift.add("connected registry " + target.name() + " was missing; created again");
                }
                return "connected registry " + target.name() + " (" + target.spec().mode() + ", "
                        + String.join(", ", target.spec().repositories()) + ", schedule '"
                        + connectedRegistrySettings(target).syncSchedule() + "'"
                        + (target.spec().syncWindow() == null ? "" : ", window " + target.spec().syncWindow())
                        + ") with client token " + target.clientToken();
            });
        }

        AtomicReference<JobResult> wait = new AtomicReference<>();
        AtomicReference<ExtensionFacts> extension = new AtomicReference<>();
        job.step(resuming ? "await-extension" : "deploy-extension", () -> {
            ConnectedRegistryStatus now = status(target.binding().id());
            Optional<ExtensionFacts> found = connected.readExtension(target.clusterResourceId(), target.extension());
            extension.set(found.orElse(null));
            if (found.isEmpty()) {
                if (!firstPass && now.observed() != null && now.observed().extensionProvisioningState() != null) {
                    drift.add("extension " + target.extension() + " was missing; deployed again with a new sync "
                            + "token password");
                }
                deploy(job, target);
                wait.set(JobResult.retryAfter(settings.pollInterval(), "waiting for extension " + target.extension()
                        + " to install on " + target.cluster().name()));
                return "extension " + target.extension() + " deployed; waiting for it to install";
            }
            ExtensionFacts facts = found.get();
            if (facts.failed()) {
                if (job.jobId().equals(now.progress().deployJobId())) {
                    // Forgotten, so that this job retried (or the next pass) deploys the extension again.
                    record(job, target.binding().id(), status -> status.with(observed(job.mask(), target, facts, null,
                            status.observed())).with(Progress.NONE));
                    throw JobFailure.permanent(facts.problem().orElseThrow(), null);
                }
                deploy(job, target);
                wait.set(JobResult.retryAfter(settings.pollInterval(), "waiting for extension " + target.extension()
                        + " to install again (it had " + facts.provisioningState() + ")"));
                return "extension " + target.extension() + " had " + facts.provisioningState()
                        + "; deployed again";
            }
            if (syncPasswordLost.get() && facts.succeeded()) {
                deploy(job, target);
                wait.set(JobResult.retryAfter(settings.pollInterval(), "waiting for extension " + target.extension()
                        + " to take the new sync token password"));
                return "extension " + target.extension() + " given a new sync token password";
            }
            if (!facts.succeeded()) {
                wait.set(waitFor(job, target, facts, now));
                return "extension " + target.extension() + " is " + facts.provisioningState();
            }
            return "extension " + target.extension() + " " + facts.provisioningState() + ", version "
                    + facts.version();
        });
        if (wait.get() != null) {
            if (!resuming) {
                recordDrift(job, target.binding().id(), drift);
            }
            return wait.get();
        }
        if (resuming) {
            // What this job repaired before it waited for the extension.
            drift.addAll(0, snapshotDrift(target.binding().id()));
        }
        PullCredential client = clientPassword(job, target, !resuming, firstPass ? null : drift);

        PullSecrets.Pass pass = pullSecrets.apply(job, target.binding(),
                new PullSecrets.Desired(target.spec().clusterIP(), client), firstPass);
        drift.addAll(pass.drift());
        Observed observed = finish(job, target, extension.get(), pass.status(), drift);
        return JobResult.done((drift.isEmpty() ? "" : "Repaired drift (" + drift.size() + "). ")
                + "Connected registry " + target.name() + " is " + observed.connectionState() + ", extension "
                + observed.extensionProvisioningState() + "; " + pass.status().ready() + " of "
                + pass.status().targeted() + " namespaces hold the pull secret for " + target.spec().clusterIP());
    }

    /** The checks made before anything changes, each a step with a problem type of its own. */
    private void check(JobContext job, Target target) throws Exception {
        job.step("check-registry", () -> {
            RegistryDirectory.RegistryFacts facts = registryDirectory.read(target.registryId()).orElseThrow(() ->
                    JobFailure.permanent(JobProblem.of(PROBLEMS + "registry-not-found", "The registry is gone", 422,
                            "Registry " + target.registryId() + " does not exist in Azure", FailureClass.PERMANENT),
                            null));
            if (!"Premium".equalsIgnoreCase(facts.sku())) {
                throw JobFailure.permanent(JobProblem.of(PROBLEMS + "needs-premium",
                        "Connected registries need a Premium registry", 422, "Registry " + facts.name() + " is "
                                + facts.sku() + "; connected registries need Premium: az acr update -n "
                                + facts.name() + " --sku Premium", FailureClass.PERMANENT), null);
            }
            if (!facts.dataEndpointEnabled()) {
                throw JobFailure.permanent(JobProblem.of(PROBLEMS + "data-endpoint-disabled",
                        "The registry's dedicated data endpoint is disabled", 422, "Registry " + facts.name()
                                + " has no dedicated data endpoint, through which connected registries sync; enable "
                                + "it: az acr update -n " + facts.name() + " --data-endpoint-enabled",
                        FailureClass.PERMANENT), null);
            }
            return facts.name() + " is Premium with its dedicated data endpoint enabled";
        });
        job.step("check-cluster", () -> {
            ClusterView cluster = target.cluster();
            if (cluster.kind() != ClusterKind.ARC || cluster.resourceId() == null) {
                throw JobFailure.permanent(JobProblem.of(PROBLEMS + "needs-arc-cluster",
                        "Connected registries run on Arc-enabled clusters", 422, "Cluster " + cluster.name()
                                + " is of kind " + cluster.kind() + "; the connected registry extension needs an "
                                + "Arc-enabled cluster (kind arc)", FailureClass.PERMANENT), null);
            }
            ConnectedClusterDirectory.ConnectedClusterFacts facts = connectedClusters.read(cluster.resourceId())
                    .orElseThrow(() -> JobFailure.permanent(JobProblem.of(PROBLEMS + "arc-cluster-not-found",
                            "The Arc-enabled cluster does not exist in Azure", 422, "Cluster " + cluster.name()
                                    + ": " + cluster.resourceId() + " does not exist; connect the cluster to Azure "
                                    + "Arc (az connectedk8s connect) or fix its resourceId", FailureClass.PERMANENT),
                            null));
            return cluster.resourceId() + " exists (" + facts.connectivityStatus() + ")";
        });
        job.step("check-cluster-ip", () -> {
            String ip = target.spec().clusterIP();
            InetAddress address;
            try {
                address = Cidr.parseIpLiteral(ip);
            } catch (IllegalArgumentException e) {
                address = null;
            }
            if (!(address instanceof Inet4Address)) {
                throw clusterIpProblem("cluster-ip-not-ipv4", "The clusterIP is not an IPv4 address",
                        ip + " is not an IPv4 address; the connected registry's Service needs one");
            }
            String cidr = target.cluster().serviceCidr();
            if (cidr != null && !Cidr.parse(cidr).contains(address)) {
                throw clusterIpProblem("cluster-ip-outside-service-cidr", "The clusterIP is outside the service CIDR",
                        ip + " is outside the service CIDR " + cidr + " of cluster " + target.cluster().name()
                                + "; pick a free address inside it");
            }
            boolean deployed = connected.readExtension(target.clusterResourceId(), target.extension()).isPresent();
            ClusterApi api = connections.open(target.cluster().id());
            Optional<ClusterApi.Service> holder = api.services().stream()
                    .filter(service -> service.clusterIps().contains(ip))
                    .filter(service -> !(deployed && "connected-registry".equals(service.namespace())))
                    .findFirst();
            if (holder.isPresent()) {
                throw clusterIpProblem("cluster-ip-in-use", "The clusterIP is used by another Service",
                        ip + " is the cluster IP of Service " + holder.get().namespace() + "/" + holder.get().name()
                                + " in cluster " + target.cluster().name() + "; pick a free address");
            }
            return ip + (cidr == null ? " (the cluster has no service CIDR recorded: only checked it is free)"
                    : " is inside " + cidr) + " and no other Service uses it";
        });
    }

    private static JobFailure clusterIpProblem(String slug, String title, String detail) {
        return JobFailure.permanent(JobProblem.of(slug, title, 422, detail, FailureClass.PERMANENT), null);
    }

    /**
     * The client token's password, in memory: the stored one, or a new one in the token's current slot when none is
     * stored or Azure no longer has it (the token was deleted or re-created: drift).
     */
    private PullCredential clientPassword(JobContext job, Target target, boolean checkAzure, List<String> drift)
            throws Exception {
        AtomicReference<PullCredential> credential = new AtomicReference<>();
        job.step("client-password", () -> {
            BindingSnapshot row = snapshot(target.binding().id());
            ConnectedRegistryStatus status = status(row);
            PasswordSlot slot = status.credentials().clientSlot() == null ? PasswordSlot.PASSWORD1
                    : status.credentials().clientSlot();
            boolean stored = row.clientTokenPassword() != null && status.credentials().clientSlot() != null;
            if (stored && checkAzure) {
                Set<PasswordSlot> slots = tokens.readPasswordSlots(target.registryId(), target.clientToken())
                        .orElse(Set.of());
                if (!slots.contains(slot)) {
                    stored = false;
                    if (drift != null) {
                        drift.add("client token " + target.clientToken() + " had lost its " + slotName(slot)
                                + " (deleted or re-created outside PullBridge); generated a new one");
                    }
                }
            }
            if (stored) {
                String password = cipher.decrypt(row.clientTokenPassword(), Binding.clientTokenContext(row.id()));
                job.protect(password);
                credential.set(clientCredential(target, password, status.credentials().clientFingerprint()));
                return slotName(slot) + " is stored (" + status.credentials().clientFingerprint() + ")";
            }
            GeneratedPassword generated = tokens.generatePassword(target.registryId(), target.clientToken(), slot,
                    null);
            String fingerprint = storeClientPassword(job, target, generated, null);
            credential.set(clientCredential(target, generated.value(), fingerprint));
            return slotName(slot) + " generated (" + fingerprint + ")";
        });
        return credential.get();
    }

    /** Stores a new client token password, encrypted, as current; {@code retiring} is the previous slot, if any. */
    private String storeClientPassword(JobContext job, Target target, GeneratedPassword generated,
                                       PasswordSlot retiring) {
        job.protect(generated.value());
        String fingerprint = cipher.fingerprint(generated.value());
        Instant now = clock.instant();
        job.fenced(() -> bindings.findById(target.binding().id()).ifPresent(row -> {
            row.setClientTokenPassword(cipher.encrypt(generated.value(), row.clientTokenContext()));
            ConnectedRegistryStatus current = status(row.getConnectedRegistryStatus());
            row.setConnectedRegistryStatus(current.with(current.credentials().client(generated.slot(), retiring,
                    fingerprint, now)));
            audit.recordedBy(job.requestedBy(), "binding.client-password-generated", ResourceKinds.BINDING,
                    row.getId(), AuditLog.SUCCESS, "client token " + target.clientToken() + ": "
                            + slotName(generated.slot()) + " generated (" + fingerprint + ")"
                            + (retiring == null ? "" : "; " + slotName(retiring) + " keeps working until every pull "
                            + "secret holds the new password"));
        }));
        return fingerprint;
    }

    private PullCredential clientCredential(Target target, String password, String fingerprint) {
        return new PullCredential(new Reference(ResourceKinds.BINDING, target.binding().id()), target.clientToken(),
                password, fingerprint, null);
    }

    /**
     * Gives the extension a connection string with a new password of the sync token (in its current slot, so the
     * other slot, if a rotation still needs it, keeps working), and records that this job deployed it.
     */
    private void deploy(JobContext job, Target target) {
        ConnectedRegistryStatus status = status(target.binding().id());
        PasswordSlot slot = status.credentials().syncSlot() == null ? PasswordSlot.PASSWORD1
                : status.credentials().syncSlot();
        putExtensionWithNewPassword(job, target, slot, status.credentials().syncRetiring());
    }

    private void putExtensionWithNewPassword(JobContext job, Target target, PasswordSlot slot, PasswordSlot retiring) {
        ConnectedRegistryFacts facts = connected.read(target.registryId(), target.name()).orElseThrow(() ->
                JobFailure.transientFailure(JobProblem.of(PROBLEMS + "not-found", "The connected registry is not "
                        + "there yet", 409, "Connected registry " + target.name() + " is not readable yet",
                        FailureClass.TRANSIENT), settings.pollInterval(), null));
        if (facts.gatewayEndpoint() == null || facts.gatewayEndpoint().isBlank()) {
            throw JobFailure.permanent(JobProblem.of(PROBLEMS + "data-endpoint-disabled",
                    "The registry's dedicated data endpoint is disabled", 422, "Connected registry " + target.name()
                            + " has no parent gateway endpoint; enable the registry's dedicated data endpoint: az acr "
                            + "update -n " + target.registry().name() + " --data-endpoint-enabled",
                    FailureClass.PERMANENT), null);
        }
        Instant now = clock.instant();
        GeneratedPassword password = tokens.generatePassword(target.registryId(), target.syncToken(), slot, null);
        String connectionString = ConnectedRegistries.connectionString(target.name(), target.syncToken(),
                password.value(), facts.gatewayEndpoint());
        job.protect(password.value(), connectionString);
        connected.putExtension(target.clusterResourceId(), target.extension(), extensionSettings(target,
                connectionString));
        record(job, target.binding().id(), status -> status
                .with(status.credentials().sync(slot, retiring, now))
                .with(new Progress(now, job.jobId(), null)));
        audit(job, "binding.extension-deployed", target.binding().id(), "extension " + target.extension() + " on " + target.cluster().name()
                        + " given a connection string with a new " + slotName(slot) + " of sync token "
                        + target.syncToken());
    }

    /** A wait for the extension's operation, or a failure once it has taken longer than the timeout. */
    private JobResult waitFor(JobContext job, Target target, ExtensionFacts facts, ConnectedRegistryStatus status) {
        Instant now = clock.instant();
        Instant began = status.progress().deployStartedAt();
        if (began == null || !job.jobId().equals(status.progress().deployJobId())) {
            // An operation this job did not start (an upgrade, another job's deploy): this job's wait begins now.
            record(job, target.binding().id(), current -> current.with(new Progress(now, job.jobId(),
                    current.progress().deleteStartedAt())));
            began = now;
        }
        record(job, target.binding().id(), current -> current.with(observed(job.mask(), target, facts, null,
                current.observed())));
        if (!now.isBefore(began.plus(settings.extensionTimeout()))) {
            throw JobFailure.permanent(JobProblem.of(PROBLEMS + "extension-timeout",
                    "The Arc extension did not finish in time", 504, "Extension " + target.extension() + " on "
                            + target.cluster().name() + " is still " + facts.provisioningState() + " after "
                            + settings.extensionTimeout() + " (pullbridge.bindings.connected-registry."
                            + "extension-timeout); see az k8s-extension show, then retry the job",
                    FailureClass.PERMANENT), null);
        }
        return JobResult.retryAfter(settings.pollInterval(), "waiting for extension " + target.extension() + " ("
                + facts.provisioningState() + ") on " + target.cluster().name());
    }

    /** Reads the connected registry and records what the pass found. */
    private Observed finish(JobContext job, Target target, ExtensionFacts extension, PullSecretStatus secrets,
                            List<String> drift) throws Exception {
        AtomicReference<Observed> observed = new AtomicReference<>();
        job.step("read-status", () -> {
            ConnectedRegistryFacts facts = connected.read(target.registryId(), target.name()).orElse(null);
            observed.set(observed(job.mask(), target, extension, facts, null));
            return "connected registry " + target.name() + ": " + observed.get().connectionState() + ", "
                    + observed.get().activationStatus() + (observed.get().lastSyncTime() == null ? ""
                    : ", last synced " + observed.get().lastSyncTime());
        });
        job.step("record", () -> {
            Observed seen = observed.get();
            job.fenced(() -> bindings.findById(target.binding().id()).ifPresent(row -> {
                ConnectedRegistryStatus current = status(row.getConnectedRegistryStatus());
                row.setConnectedRegistryStatus(current.with(seen).with(new Progress(null, null,
                        current.progress().deleteStartedAt())));
                row.setPullSecretStatus(secrets);
                row.reconciled(clock.instant(), drift);
                boolean secretsOk = secrets.failed() + secrets.conflicts() == 0;
                row.getStatus().setCondition(seen.online() && secretsOk
                        ? new Condition(ResourceStatus.DEGRADED, "False", "ConnectedRegistryOnline",
                        "Connected registry " + target.name() + " is Online; " + secrets.ready() + " of "
                                + secrets.targeted() + " namespaces hold the pull secret", clock.instant())
                        : new Condition(ResourceStatus.DEGRADED, "True", !seen.online() ? "ConnectedRegistryOffline"
                        : secrets.conflicts() > 0 ? "SecretConflict" : "NamespaceFailed", !seen.online()
                        ? "Connected registry " + target.name() + " is " + seen.connectionState()
                        + (seen.statusDetails().isEmpty() ? "" : ": " + String.join("; ", seen.statusDetails()))
                        : secrets.failed() + " failed, " + secrets.conflicts() + " in conflict", clock.instant()));
                row.touched(clock.instant());
            }));
            return seen.connectionState() + "; " + secrets.ready() + " ready, " + secrets.pending() + " pending, "
                    + secrets.failed() + " failed, " + secrets.conflicts() + " in conflict";
        });
        return observed.get();
    }

    // ---- rotation

    /**
     * Rotates the sync token's password (a new one in the other slot, given to the extension, then the previous one
     * retired once the extension took it) and then the client token's (a new one in the other slot, written to every
     * pull secret, then the previous one retired). A rotation that stopped part way resumes without generating again
     * what it already made.
     */
    JobResult rotate(JobContext job, BindingSnapshot binding) throws Exception {
        Target target = target(binding);
        ConnectedRegistryStatus start = status(binding);
        if (start.credentials().syncSlot() == null || start.credentials().clientSlot() == null
                || binding.clientTokenPassword() == null) {
            throw JobFailure.permanent(JobProblem.of(PROBLEMS + "not-deployed", "Nothing to rotate yet", 409,
                    "The binding's connected registry has not been deployed yet (no sync or client token password); "
                            + "let its apply job finish, then rotate", FailureClass.PERMANENT), null);
        }
        if (start.credentials().syncRetiring() == null) {
            PasswordSlot from = start.credentials().syncSlot();
            PasswordSlot to = other(from);
            job.step("rotate-sync-password", () -> {
                putExtensionWithNewPassword(job, target, to, from);
                return "sync token " + target.syncToken() + ": " + slotName(to) + " generated and given to extension "
                        + target.extension() + "; " + slotName(from) + " keeps working until the extension took it";
            });
            return JobResult.retryAfter(settings.pollInterval(), "waiting for extension " + target.extension()
                    + " to take the new sync token password");
        }
        AtomicReference<JobResult> wait = new AtomicReference<>();
        job.step("await-extension", () -> {
            ConnectedRegistryStatus now = status(target.binding().id());
            Optional<ExtensionFacts> found = connected.readExtension(target.clusterResourceId(), target.extension());
            if (found.isEmpty() || (found.get().failed() && !job.jobId().equals(now.progress().deployJobId()))) {
                deploy(job, target);
                wait.set(JobResult.retryAfter(settings.pollInterval(), "waiting for extension " + target.extension()
                        + " to take the new sync token password"));
                return "extension " + target.extension() + (found.isEmpty() ? " was missing"
                        : " had " + found.get().provisioningState()) + "; deployed again with a new "
                        + slotName(now.credentials().syncSlot());
            }
            ExtensionFacts facts = found.get();
            if (facts.failed()) {
                record(job, target.binding().id(), status -> status.with(observed(job.mask(), target, facts, null,
                        status.observed())).with(Progress.NONE));
                JobProblem problem = facts.problem().orElseThrow();
                throw JobFailure.permanent(JobProblem.of(ConnectedRegistries.EXTENSION_FAILED, problem.title(),
                        problem.status(), problem.detail() + ". The sync token's previous password ("
                                + slotName(now.credentials().syncRetiring()) + ") still works; rotate again once "
                                + "the extension is fixed", FailureClass.PERMANENT), null);
            }
            if (!facts.succeeded()) {
                wait.set(waitFor(job, target, facts, now));
                return "extension " + target.extension() + " is " + facts.provisioningState();
            }
            return "extension " + target.extension() + " took the new sync token password";
        });
        if (wait.get() != null) {
            return wait.get();
        }
        job.step("retire-sync-password", () -> {
            ConnectedRegistryStatus now = status(target.binding().id());
            PasswordSlot retiring = now.credentials().syncRetiring();
            if (retiring == null) {
                return "nothing to retire";
            }
            retire(target.registryId(), target.syncToken(), retiring);
            record(job, target.binding().id(), status -> status.with(status.credentials()
                    .sync(status.credentials().syncSlot(), null, null)));
            audit(job, "binding.sync-password-retired", target.binding().id(), "sync token " + target.syncToken() + ": "
                            + slotName(retiring) + " generated again and discarded: the previous password no longer "
                            + "works");
            return slotName(retiring) + " generated again and discarded: the previous password no longer works";
        });

        AtomicReference<PullCredential> client = new AtomicReference<>();
        job.step("rotate-client-password", () -> {
            BindingSnapshot row = snapshot(target.binding().id());
            ConnectedRegistryStatus now = status(row);
            if (now.credentials().clientRetiring() != null) {
                String password = cipher.decrypt(row.clientTokenPassword(), Binding.clientTokenContext(row.id()));
                job.protect(password);
                client.set(clientCredential(target, password, now.credentials().clientFingerprint()));
                return slotName(now.credentials().clientSlot()) + " (" + now.credentials().clientFingerprint()
                        + ") was generated by this rotation already; not generated again";
            }
            PasswordSlot from = now.credentials().clientSlot();
            GeneratedPassword generated = tokens.generatePassword(target.registryId(), target.clientToken(),
                    other(from), null);
            String fingerprint = storeClientPassword(job, target, generated, from);
            client.set(clientCredential(target, generated.value(), fingerprint));
            return "client token " + target.clientToken() + ": " + slotName(generated.slot()) + " generated ("
                    + fingerprint + "); " + slotName(from) + " keeps working until every pull secret holds it";
        });
        PullSecrets.Pass pass = pullSecrets.apply(job, target.binding(),
                new PullSecrets.Desired(target.spec().clusterIP(), client.get()), false);
        if (pass.status().failed() > 0) {
            job.fenced(() -> bindings.findById(target.binding().id())
                    .ifPresent(row -> row.setPullSecretStatus(pass.status())));
            throw JobFailure.permanent(JobProblem.of("credential-users-not-switched",
                    "Pull secrets still hold the previous password", 409, pass.status().failed()
                            + " namespaces could not be given the new client token password: "
                            + pass.status().issues().stream().filter(i -> i.state().equals("failed")).limit(3)
                            .map(i -> i.namespace() + ": " + i.reason()).reduce((a, b) -> a + "; " + b).orElse("")
                            + ". The previous password keeps working; rotate again once they can be written (the "
                            + "rotation resumes without generating another password)", FailureClass.PERMANENT),
                    null);
        }
        job.step("retire-client-password", () -> {
            ConnectedRegistryStatus now = status(target.binding().id());
            PasswordSlot retiring = now.credentials().clientRetiring();
            if (retiring == null) {
                return "nothing to retire";
            }
            retire(target.registryId(), target.clientToken(), retiring);
            record(job, target.binding().id(), status -> status.with(status.credentials().client(
                    status.credentials().clientSlot(), null, status.credentials().clientFingerprint(), null)));
            audit(job, "binding.client-password-retired", target.binding().id(), "client token " + target.clientToken() + ": "
                            + slotName(retiring) + " generated again and discarded: the previous password no longer "
                            + "works");
            return slotName(retiring) + " generated again and discarded: the previous password no longer works";
        });
        Optional<ExtensionFacts> extension = connected.readExtension(target.clusterResourceId(), target.extension());
        finish(job, target, extension.orElse(null), pass.status(), List.of());
        ConnectedRegistryStatus end = status(target.binding().id());
        return JobResult.done("Sync token " + target.syncToken() + " now on " + slotName(end.credentials().syncSlot())
                + ", client token " + target.clientToken() + " on " + slotName(end.credentials().clientSlot())
                + " (" + end.credentials().clientFingerprint() + "); the previous passwords no longer work");
    }

    /** ACR has no call that removes one password: generate it again, discard it unread, let it expire. */
    private void retire(String registryId, String token, PasswordSlot slot) {
        tokens.generatePassword(registryId, token, slot, clock.instant().plus(settings.retiredPasswordLifetime()));
    }

    // ---- delete

    /**
     * Removes what the binding made, in reverse order: the pull secrets, the extension (waiting until it is gone),
     * the connected registry (deactivated first), the tokens and the scope maps. Every step finds what is already gone
     * and goes on, so a delete interrupted anywhere can be retried to the end.
     */
    Optional<JobResult.RetryAfter> remove(JobContext job, BindingSnapshot binding) throws Exception {
        Target target = target(binding);
        pullSecrets.remove(job, binding);
        AtomicReference<JobResult.RetryAfter> wait = new AtomicReference<>();
        job.step("delete-extension", () -> {
            Optional<ExtensionFacts> found = connected.readExtension(target.clusterResourceId(), target.extension());
            if (found.isEmpty()) {
                return "extension " + target.extension() + " is gone";
            }
            Instant now = clock.instant();
            ConnectedRegistryStatus status = status(target.binding().id());
            Instant began = status.progress().deleteStartedAt();
            if (began == null) {
                record(job, target.binding().id(), current -> current.with(new Progress(
                        current.progress().deployStartedAt(), current.progress().deployJobId(), now)));
                began = now;
            }
            if (!found.get().deleting()) {
                connected.deleteExtension(target.clusterResourceId(), target.extension());
            }
            if (!now.isBefore(began.plus(settings.extensionTimeout()))) {
                throw JobFailure.permanent(JobProblem.of(PROBLEMS + "extension-timeout",
                        "The Arc extension was not deleted in time", 504, "Extension " + target.extension() + " on "
                                + target.cluster().name() + " is still " + found.get().provisioningState()
                                + " after " + settings.extensionTimeout() + "; see az k8s-extension show, then retry "
                                + "the job", FailureClass.PERMANENT), null);
            }
            wait.set(new JobResult.RetryAfter(settings.pollInterval(), "waiting for extension "
                    + target.extension() + " to be deleted from " + target.cluster().name()));
            return "extension " + target.extension() + " is being deleted";
        });
        if (wait.get() != null) {
            return Optional.of(wait.get());
        }
        job.step("deactivate-connected-registry", () -> {
            connected.deactivate(target.registryId(), target.name());
            return "connected registry " + target.name() + " deactivated (or already gone)";
        });
        job.step("delete-connected-registry", () -> {
            connected.delete(target.registryId(), target.name());
            if (connected.read(target.registryId(), target.name()).isPresent()) {
                wait.set(new JobResult.RetryAfter(settings.pollInterval(), "waiting for connected registry "
                        + target.name() + " to be deleted"));
                return "connected registry " + target.name() + " is being deleted";
            }
            return "connected registry " + target.name() + " deleted";
        });
        if (wait.get() != null) {
            return Optional.of(wait.get());
        }
        job.step("delete-tokens", () -> {
            tokens.deleteToken(target.registryId(), target.clientToken());
            tokens.deleteToken(target.registryId(), target.syncToken());
            return "tokens " + target.clientToken() + " and " + target.syncToken() + " deleted";
        });
        job.step("delete-scope-maps", () -> {
            tokens.deleteScopeMap(target.registryId(), clientScopeMapName(target.name()));
            tokens.deleteScopeMap(target.registryId(), ConnectedRegistries.syncScopeMapName(target.name()));
            return "scope maps " + clientScopeMapName(target.name()) + " and "
                    + ConnectedRegistries.syncScopeMapName(target.name()) + " deleted";
        });
        return Optional.empty();
    }

    // ---- helpers

    private Target target(BindingSnapshot binding) {
        RegistryView registry = registries.find(binding.registryId()).orElseThrow(() -> gone("registry"));
        ClusterView cluster = clusters.find(binding.clusterId()).orElseThrow(() -> gone("cluster"));
        return new Target(binding, binding.connectedRegistry(), registry, cluster);
    }

    private Map<String, List<String>> clientRepositories(Target target) {
        Map<String, List<String>> repositories = new LinkedHashMap<>();
        target.spec().repositories().forEach(repository -> repositories.put(repository.toLowerCase(Locale.ROOT),
                CLIENT_ACTIONS));
        return repositories;
    }

    private ConnectedRegistries.ConnectedRegistrySettings connectedRegistrySettings(Target target) {
        ConnectedRegistrySpec spec = target.spec();
        return new ConnectedRegistries.ConnectedRegistrySettings(spec.name(), spec.mode(),
                target.tokenId(target.syncToken()), spec.syncSchedule(),
                spec.syncWindow() == null ? null : Duration.parse(spec.syncWindow()), null, settings.level(),
                List.of(target.tokenId(target.clientToken())), List.of());
    }

    private ConnectedRegistries.ExtensionSettings extensionSettings(Target target, String connectionString) {
        return new ConnectedRegistries.ExtensionSettings(target.spec().clusterIP(),
                blankToNull(settings.storageClassName()), blankToNull(settings.storageRequest()), null, null,
                settings.autoUpgradeMinorVersion(), blankToNull(settings.releaseTrain()), connectionString);
    }

    /**
     * What Azure reports, as the binding's status shows it. Its extension error and status lines are Azure's words and
     * the extension's Helm output, which may quote the connection string or a token password: masked for the job's
     * secrets and for any connection-string password.
     */
    private Observed observed(SecretMask mask, Target target, ExtensionFacts extension, ConnectedRegistryFacts facts,
                              Observed previous) {
        Instant now = clock.instant();
        if (facts == null && previous != null) {
            return new Observed(target.extension(), extension == null ? null : extension.provisioningState(),
                    extension == null ? null : extension.version(), extensionError(mask, extension),
                    previous.provisioningState(), previous.connectionState(), previous.activationStatus(),
                    previous.version(), previous.lastSyncTime(), previous.lastActivityTime(), previous.syncSchedule(),
                    previous.syncWindow(), previous.loginServerHost(), previous.statusDetails(), now);
        }
        return new Observed(target.extension(), extension == null ? null : extension.provisioningState(),
                extension == null ? null : extension.version(), extensionError(mask, extension),
                facts == null ? null : facts.provisioningState(), facts == null ? null : facts.connectionState(),
                facts == null ? null : facts.activationStatus(), facts == null ? null : facts.version(),
                facts == null ? null : facts.lastSyncTime(), facts == null ? null : facts.lastActivityTime(),
                facts == null ? target.spec().syncSchedule() : facts.syncSchedule(),
                facts == null || facts.syncWindow() == null ? target.spec().syncWindow()
                        : facts.syncWindow().toString(),
                facts == null ? null : facts.loginServerHost(), facts == null ? List.of()
                : facts.statusDetails().stream().map(d -> mask.apply(d.code() + ": " + d.description())).toList(),
                now);
    }

    private static String extensionError(SecretMask mask, ExtensionFacts extension) {
        return extension == null ? null : extension.problem().map(JobProblem::detail).map(mask::apply).orElse(null);
    }

    private BindingSnapshot snapshot(UUID id) {
        return tx.execute(status -> bindings.findById(id).map(BindingSnapshot::of)).orElseThrow(() -> gone("binding"));
    }

    private ConnectedRegistryStatus status(UUID id) {
        return status(snapshot(id));
    }

    private static ConnectedRegistryStatus status(BindingSnapshot binding) {
        return status(binding.connectedRegistryStatus());
    }

    private static ConnectedRegistryStatus status(ConnectedRegistryStatus status) {
        return status == null ? ConnectedRegistryStatus.empty() : status;
    }

    private void record(JobContext job, UUID id, UnaryOperator<ConnectedRegistryStatus> change) {
        job.fenced(() -> bindings.findById(id).ifPresent(row ->
                row.setConnectedRegistryStatus(change.apply(status(row.getConnectedRegistryStatus())))));
    }

    private void audit(JobContext job, String action, UUID id, String detail) {
        job.fenced(() -> audit.recordedBy(job.requestedBy(), action, ResourceKinds.BINDING, id,
                AuditLog.SUCCESS, detail));
    }

    private void recordDrift(JobContext job, UUID id, List<String> drift) {
        job.fenced(() -> bindings.findById(id).ifPresent(row -> row.drifted(drift)));
    }

    private List<String> snapshotDrift(UUID id) {
        return tx.execute(status -> bindings.findById(id).map(Binding::getDrift).orElse(List.of()));
    }

    static PasswordSlot other(PasswordSlot slot) {
        return slot == PasswordSlot.PASSWORD1 ? PasswordSlot.PASSWORD2 : PasswordSlot.PASSWORD1;
    }

    static String slotName(PasswordSlot slot) {
        return slot == null ? "no password" : slot.name().toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static JobFailure gone(String what) {
        return JobFailure.permanent(JobProblem.of("invalid-state", "The binding's " + what + " is gone", 409,
                "The " + what + " this binding names is no longer registered", FailureClass.PERMANENT), null);
    }
}
