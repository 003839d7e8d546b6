package io.pullbridge.bindings;

import io.pullbridge.clusters.ClusterApi;
import io.pullbridge.clusters.ClusterConnections;
import io.pullbridge.clusters.ClusterProblems;
import io.pullbridge.common.LabelSelector;
import io.pullbridge.common.PullCredential;
import io.pullbridge.common.SecretMask;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.principals.ServicePrincipalService;
import io.pullbridge.registries.RegistryService;
import io.pullbridge.registries.RegistryTokenService;
import io.pullbridge.registries.RegistryView;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Pull secrets in a cluster, for one pull-secret binding, level-triggered: each pass makes the cluster match the
 * binding's spec and says what it had to change.
 * <p>
 * A pass makes a fixed number of list calls per cluster whatever the number of namespaces (namespaces, the binding's
 * secrets by label, ServiceAccounts), then writes only what differs, in parallel (bounded; the adapter also bounds
 * concurrent calls per cluster and rate-limits them). A secret is the binding's when it carries both
 * {@value #MANAGED_BY}={@value #MANAGER} and {@value #BINDING_LABEL}=&lt;binding id&gt;; a same-named secret without
 * them is never overwritten: that namespace is reported as a conflict. ServiceAccounts get the secret appended to
 * {@code imagePullSecrets} with a JSON Patch guarded by their {@code resourceVersion}, keeping everyone else's
 * entries; a missing ServiceAccount is reported, not created.
 */
@Component
public class PullSecrets {

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String MANAGER = "pullbridge";
    static final String BINDING_LABEL = "pullbridge.io/binding";
    static final String FINGERPRINT_ANNOTATION = "pullbridge.io/credential-fingerprint";
    public static final String DOCKER_CONFIG_KEY = ".dockerconfigjson";

    private final ClusterConnections connections;
    private final RegistryService registries;
    private final ServicePrincipalService principals;
    private final RegistryTokenService tokens;
    private final ExecutorService writers;
    private final int parallelism;

    PullSecrets(ClusterConnections connections, RegistryService registries, ServicePrincipalService principals,
                RegistryTokenService tokens, BindingsProperties properties) {
        this.connections = connections;
        this.registries = registries;
        this.principals = principals;
        this.tokens = tokens;
        this.parallelism = properties.writeParallelism();
        AtomicInteger threads = new AtomicInteger();
        // Not a fixed pool shared by all passes: its queue is first come, first served, so one cluster's fan-out
        // (held to that cluster's rate limit) would make every other cluster's pass wait behind it. Each pass runs
        // its own workers instead (runAll), at most writeParallelism of them.
        this.writers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "pull-secret-writer-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @PreDestroy
    void stop() {
        writers.shutdownNow();
    }

    /** The outcome of a pass: what the cluster holds now, and the drift that was repaired. */
    public record Pass(PullSecretStatus status, List<String> drift) {
    }

    /** What a pass is to write: the registry's login server and the credential's current password. */
    public record Desired(String server, PullCredential credential) {
    }

    /**
     * The credential the binding's secrets carry, read now.
     *
     * @return empty while the service principal or token has no usable password yet (still being created)
     */
    public Optional<Desired> desired(BindingSnapshot binding) {
        RegistryView registry = registries.find(binding.registryId()).orElseThrow(() -> gone("registry"));
        Optional<PullCredential> credential = binding.servicePrincipalId() != null
                ? principals.pullCredential(binding.servicePrincipalId())
                : tokens.pullCredential(binding.tokenId());
        return credential.map(value -> new Desired(registry.loginServer(), value));
    }

    /** The login server the binding's secrets are for. */
    public String server(BindingSnapshot binding) {
        return registries.find(binding.registryId()).orElseThrow(() -> gone("registry")).loginServer();
    }

    /**
     * Makes the cluster hold the binding's secrets, as named steps of the job.
     *
     * @param firstPass true when the binding has never been applied: what it writes then is not drift
     */
    public Pass apply(JobContext job, BindingSnapshot binding, Desired desired, boolean firstPass) throws Exception {
        PullSecretSpec spec = binding.pullSecret();
        byte[] config = DockerConfigJson.of(desired.server(), desired.credential().username(),
                desired.credential().password());
        // An API server's or an admission webhook's refusal may quote the object it was sent.
        job.protect(desired.credential().password(), SecretMask.basicCredentials(desired.credential().username(),
                desired.credential().password()), new String(config, StandardCharsets.UTF_8));
        Map<String, ClusterApi.Namespace> namespaces = new TreeMap<>();
        Map<String, ClusterApi.Secret> held = new HashMap<>();
        Map<String, ClusterApi.ServiceAccount> accounts = new HashMap<>();
        ClusterApi api = job.step("read-cluster", () -> {
            ClusterApi cluster = connections.open(job, binding.clusterId());
            cluster.namespaces(null).forEach(namespace -> namespaces.put(namespace.name(), namespace));
            cluster.secrets(selector(binding)).stream()
                    .filter(secret -> secret.name().equals(spec.secretName()))
                    .forEach(secret -> held.put(secret.namespace(), protect(job, secret)));
            if (!spec.serviceAccounts().isEmpty()) {
                cluster.serviceAccounts().stream()
                        .filter(account -> spec.serviceAccounts().contains(account.name()))
                        .forEach(account -> accounts.put(account.namespace() + "/" + account.name(), account));
            }
            return cluster;
        }, cluster -> namespaces.size() + " namespaces, the binding's secret in " + held.size());

        Targets targets = targets(spec, namespaces);
        Tally tally = new Tally(targets.missing());
        List<String> drift = Collections.synchronizedList(new ArrayList<>());
        String fingerprint = desired.credential().fingerprint();

        job.step("write-secrets", () -> {
            runAll(targets.namespaces(), namespace -> {
                ClusterApi.Secret want = secret(binding, spec.secretName(), namespace, config, fingerprint);
                try {
                    writeSecret(job, api, want, held.get(namespace), firstPass ? null : drift, tally);
                } catch (JobFailure failure) {
                    tally.failed(namespace, job.mask().apply(reason(failure)));
                }
                return null;
            });
            return tally.written.get() + " written, " + (targets.namespaces().size() - tally.written.get()
                    - tally.notReady()) + " already in place" + (tally.notReady() == 0 ? ""
                    : ", " + tally.notReady() + " not ready");
        });

        if (!spec.serviceAccounts().isEmpty()) {
            job.step("patch-service-accounts", () -> {
                AtomicInteger patched = new AtomicInteger();
                runAll(targets.namespaces(), namespace -> {
                    if (!tally.holdsSecret(namespace)) {
                        return null;
                    }
                    for (String name : spec.serviceAccounts()) {
                        ClusterApi.ServiceAccount account = accounts.get(namespace + "/" + name);
                        try {
                            if (account == null) {
                                account = api.serviceAccount(namespace, name).orElse(null);
                            }
                            if (account == null) {
                                tally.failed(namespace, "ServiceAccount " + name + " does not exist; PullBridge does "
                                        + "not create ServiceAccounts");
                                continue;
                            }
                            if (!account.pullsWith(spec.secretName())) {
                                api.addImagePullSecret(account, spec.secretName());
                                patched.incrementAndGet();
                                if (!firstPass && !tally.isNew(namespace)) {
                                    drift.add("ServiceAccount " + namespace + "/" + name + " had lost its "
                                            + "imagePullSecrets entry " + spec.secretName() + "; added back");
                                }
                            }
                        } catch (JobFailure failure) {
                            tally.failed(namespace, "ServiceAccount " + name + ": "
                                    + job.mask().apply(reason(failure)));
                        }
                    }
                    return null;
                });
                return patched.get() + " ServiceAccounts given the secret";
            });
        }

        Set<String> stale = new LinkedHashSet<>(held.keySet());
        stale.removeAll(targets.namespaces());
        if (!stale.isEmpty()) {
            job.step("remove-untargeted", () -> {
                runAll(stale, namespace -> {
                    removeFrom(api, binding, namespace, accounts, held.get(namespace));
                    return null;
                });
                return "removed the secret from " + stale.size() + " namespace" + (stale.size() == 1 ? "" : "s")
                        + " no longer targeted: " + String.join(", ", first(stale));
            });
        }
        return new Pass(tally.status(targets, fingerprint), List.copyOf(drift));
    }

    /** Removes the binding's secrets and its ServiceAccount entries from the cluster; others' entries stay. */
    public int remove(JobContext job, BindingSnapshot binding) throws Exception {
        PullSecretSpec spec = binding.pullSecret();
        AtomicInteger removed = new AtomicInteger();
        job.step("remove-secrets", () -> {
            ClusterApi api = connections.open(job, binding.clusterId());
            List<ClusterApi.Secret> held = api.secrets(selector(binding)).stream()
                    .filter(secret -> secret.name().equals(spec.secretName()))
                    .map(secret -> protect(job, secret))
                    .toList();
            Map<String, ClusterApi.ServiceAccount> accounts = new HashMap<>();
            if (!spec.serviceAccounts().isEmpty() && !held.isEmpty()) {
                api.serviceAccounts().stream()
                        .filter(account -> account.pullsWith(spec.secretName()))
                        .forEach(account -> accounts.put(account.namespace() + "/" + account.name(), account));
            }
            runAll(held, secret -> {
                removeFrom(api, binding, secret.namespace(), accounts, secret);
                removed.incrementAndGet();
                return null;
            });
            return "removed secret " + spec.secretName() + " from " + removed.get() + " namespace"
                    + (removed.get() == 1 ? "" : "s") + " and the binding's ServiceAccount entries";
        });
        return removed.get();
    }

    /**
     * The binding's secrets as the cluster holds them now, decoded, for verification: each target namespace's, or
     * at most {@code sample} of them when {@code sample > 0}.
     */
    public List<ClusterApi.Secret> readBack(JobContext job, BindingSnapshot binding, int sample) {
        PullSecretSpec spec = binding.pullSecret();
        ClusterApi api = connections.open(job, binding.clusterId());
        Map<String, ClusterApi.Namespace> namespaces = new TreeMap<>();
        api.namespaces(null).forEach(namespace -> namespaces.put(namespace.name(), namespace));
        List<ClusterApi.Secret> found = new ArrayList<>();
        for (String namespace : targets(spec, namespaces).namespaces()) {
            if (sample > 0 && found.size() >= sample) {
                break;
            }
            api.secret(namespace, spec.secretName()).ifPresentOrElse(found::add,
                    () -> found.add(new ClusterApi.Secret(namespace, spec.secretName(), null, null, null, null, null)));
        }
        return found;
    }

    private void writeSecret(JobContext job, ClusterApi api, ClusterApi.Secret want, ClusterApi.Secret have,
                             List<String> drift, Tally tally) {
        String namespace = want.namespace();
        if (have != null) {
            if (have.sameContent(want)) {
                tally.ready(namespace);
                return;
            }
            api.replaceSecret(want.withResourceVersion(have.resourceVersion()));
            tally.written(namespace, false);
            String heldFingerprint = have.annotations().get(FINGERPRINT_ANNOTATION);
            boolean rotated = !want.annotations().get(FINGERPRINT_ANNOTATION).equals(heldFingerprint)
                    && have.labels().equals(want.labels()) && want.type().equals(have.type());
            if (drift != null && !rotated) {
                drift.add("secret " + want.name() + " in " + namespace + " was changed outside PullBridge; "
                        + "rewritten");
            }
            return;
        }
        // Not among the binding's: create it. Reading first would cost a call per namespace on every fan-out; a
        // same-named secret there (someone else's, or ours with its labels edited away) answers 409, and only then
        // is it read.
        try {
            api.createSecret(want);
            tally.written(namespace, true);
            if (drift != null) {
                drift.add("secret " + want.name() + " was missing in " + namespace + " (deleted, or a namespace that "
                        + "matches now); written");
            }
            return;
        } catch (JobFailure failure) {
            if (!ClusterProblems.is(failure, ClusterProblems.CONFLICT)) {
                throw failure;
            }
        }
        Optional<ClusterApi.Secret> existing = api.secret(namespace, want.name());
        if (existing.isPresent()) {
            ClusterApi.Secret other = protect(job, existing.get());
            if (!ours(other, want)) {
                tally.conflict(namespace, "secret " + want.name() + " exists and is not managed by this binding "
                        + (MANAGER.equals(other.labels().get(MANAGED_BY)) ? "(binding "
                        + other.labels().get(BINDING_LABEL) + " manages it)" : "(no " + MANAGED_BY + "="
                        + MANAGER + " label)") + "; PullBridge never overwrites it");
                return;
            }
            api.replaceSecret(want.withResourceVersion(other.resourceVersion()));
            tally.written(namespace, false);
            return;
        }
        // Deleted between the 409 and the read: create it after all.
        api.createSecret(want);
        tally.written(namespace, true);
    }

    /**
     * Tells the job about what a secret read from the cluster holds: an update or delete of it may be refused by an
     * admission webhook that quotes the object as it was ({@code oldObject}), the previous password and all.
     */
    private static ClusterApi.Secret protect(JobContext job, ClusterApi.Secret secret) {
        secret.data().values().forEach(value -> job.protect(DockerConfigJson.secretsIn(value)
                .toArray(String[]::new)));
        return secret;
    }

    private void removeFrom(ClusterApi api, BindingSnapshot binding, String namespace,
                            Map<String, ClusterApi.ServiceAccount> accounts, ClusterApi.Secret secret) {
        PullSecretSpec spec = binding.pullSecret();
        for (String name : spec.serviceAccounts()) {
            ClusterApi.ServiceAccount account = accounts.get(namespace + "/" + name);
            if (account != null && account.pullsWith(spec.secretName())) {
                try {
                    api.removeImagePullSecret(account, spec.secretName());
                } catch (JobFailure failure) {
                    if (!ClusterProblems.is(failure, ClusterProblems.NAMESPACE_GONE)
                            && !ClusterProblems.is(failure, ClusterProblems.NOT_FOUND)) {
                        throw failure;
                    }
                }
            }
        }
        if (secret != null) {
            try {
                api.deleteSecret(namespace, spec.secretName(), secret.resourceVersion());
            } catch (JobFailure failure) {
                if (!ClusterProblems.is(failure, ClusterProblems.NAMESPACE_GONE)) {
                    throw failure;
                }
            }
        }
    }

    private static boolean ours(ClusterApi.Secret secret, ClusterApi.Secret want) {
        return MANAGER.equals(secret.labels().get(MANAGED_BY))
                && want.labels().get(BINDING_LABEL).equals(secret.labels().get(BINDING_LABEL));
    }

    /** The secret a binding wants in one namespace: its credential's docker config, labelled as the binding's. */
    static ClusterApi.Secret secret(BindingSnapshot binding, String name, String namespace, byte[] config,
                                    String fingerprint) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGER);
        labels.put(BINDING_LABEL, binding.id().toString());
        return new ClusterApi.Secret(namespace, name, ClusterApi.Secret.DOCKER_CONFIG_JSON, labels,
                Map.of(FINGERPRINT_ANNOTATION, fingerprint), Map.of(DOCKER_CONFIG_KEY, config), null);
    }

    static String selector(BindingSnapshot binding) {
        return MANAGED_BY + "=" + MANAGER + "," + BINDING_LABEL + "=" + binding.id();
    }

    /** The namespaces a spec targets, of those the cluster has, and the named ones it does not have. */
    record Targets(Set<String> namespaces, Map<String, String> missing) {
    }

    static Targets targets(PullSecretSpec spec, Map<String, ClusterApi.Namespace> namespaces) {
        Set<String> wanted = new LinkedHashSet<>();
        Map<String, String> missing = new TreeMap<>();
        Set<String> excluded = Set.copyOf(spec.excludeNamespaces());
        for (String name : spec.namespaces()) {
            if (excluded.contains(name)) {
                continue;
            }
            ClusterApi.Namespace namespace = namespaces.get(name);
            if (namespace == null) {
                missing.put(name, "namespace " + name + " does not exist; the secret is written when it does");
            } else if (namespace.terminating()) {
                missing.put(name, "namespace " + name + " is terminating");
            } else {
                wanted.add(name);
            }
        }
        if (spec.namespaceSelector() != null) {
            LabelSelector selector = LabelSelector.parse(spec.namespaceSelector());
            namespaces.values().stream()
                    .filter(namespace -> !namespace.terminating() && !excluded.contains(namespace.name()))
                    .filter(namespace -> selector.matches(namespace.labels()))
                    .forEach(namespace -> wanted.add(namespace.name()));
        }
        return new Targets(wanted, missing);
    }

    /**
     * Runs the work for every item, {@code writeParallelism} items at a time, and waits for all of it; the first
     * failure wins. The workers are this pass's own, so passes on other clusters never queue behind this one.
     */
    private <T> void runAll(Collection<T> items, Function<T, Void> work) throws Exception {
        Queue<T> queue = new ConcurrentLinkedQueue<>(items);
        List<Future<Void>> futures = new ArrayList<>();
        for (int i = 0; i < Math.min(parallelism, items.size()); i++) {
            futures.add(writers.submit(() -> {
                RuntimeException first = null;
                for (T item = queue.poll(); item != null && !Thread.currentThread().isInterrupted();
                     item = queue.poll()) {
                    try {
                        work.apply(item);
                    } catch (RuntimeException e) {
                        first = first == null ? e : first;
                    }
                }
                if (first != null) {
                    throw first;
                }
                return null;
            }));
        }
        Exception first = null;
        for (Future<Void> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof Exception cause ? cause : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                futures.forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                throw e;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static String reason(JobFailure failure) {
        if (ClusterProblems.is(failure, ClusterProblems.NAMESPACE_GONE)) {
            return "the namespace was deleted while PullBridge wrote to it";
        }
        String detail = failure.problem().detail();
        return detail != null ? detail : failure.problem().title();
    }

    private static List<String> first(Collection<String> names) {
        return names.stream().limit(5).toList();
    }

    private static JobFailure gone(String what) {
        return JobFailure.permanent("invalid-state", "The binding's " + what + " is gone", 409,
                "The " + what + " this binding names is no longer registered");
    }

    /** Counts per namespace, from several writer threads. */
    private static final class Tally {

        private final Map<String, PullSecretStatus.Issue> issues = new ConcurrentSkipListMap<>();
        private final Set<String> ready = ConcurrentHashMap.newKeySet();
        private final Set<String> created = ConcurrentHashMap.newKeySet();
        private final AtomicInteger written = new AtomicInteger();

        Tally(Map<String, String> missing) {
            missing.forEach((namespace, reason) -> issues.put(namespace,
                    new PullSecretStatus.Issue(namespace, "pending", reason)));
        }

        void ready(String namespace) {
            ready.add(namespace);
        }

        void written(String namespace, boolean isNew) {
            written.incrementAndGet();
            ready.add(namespace);
            if (isNew) {
                created.add(namespace);
            }
        }

        boolean holdsSecret(String namespace) {
            return ready.contains(namespace);
        }

        boolean isNew(String namespace) {
            return created.contains(namespace);
        }

        void failed(String namespace, String reason) {
            ready.remove(namespace);
            issues.merge(namespace, new PullSecretStatus.Issue(namespace, "failed", reason),
                    (a, b) -> new PullSecretStatus.Issue(namespace, "failed", a.reason() + "; " + b.reason()));
        }

        void conflict(String namespace, String reason) {
            issues.put(namespace, new PullSecretStatus.Issue(namespace, "conflict", reason));
        }

        int notReady() {
            return (int) issues.values().stream().filter(issue -> !issue.state().equals("pending")).count();
        }

        PullSecretStatus status(Targets targets, String fingerprint) {
            int pending = 0;
            int failed = 0;
            int conflicts = 0;
            for (PullSecretStatus.Issue issue : issues.values()) {
                switch (issue.state()) {
                    case "pending" -> pending++;
                    case "failed" -> failed++;
                    default -> conflicts++;
                }
            }
            int readyCount = (int) targets.namespaces().stream().filter(ready::contains).count();
            return new PullSecretStatus(targets.namespaces().size() + targets.missing().size(), readyCount, pending,
                    failed, conflicts, issues.values().stream().limit(PullSecretStatus.MAX_ISSUES).toList(),
                    fingerprint);
        }
    }
}
