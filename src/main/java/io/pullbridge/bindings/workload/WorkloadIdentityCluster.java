package io.pullbridge.bindings.workload;

import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.WorkloadIdentityDelivery;
import io.pullbridge.bindings.WorkloadIdentitySpec;
import io.pullbridge.clusters.ClusterApi;
import io.pullbridge.clusters.ClusterApi.CustomObject;
import io.pullbridge.clusters.ClusterApi.CustomType;
import io.pullbridge.clusters.ClusterConnections;
import io.pullbridge.clusters.ClusterView;
import io.pullbridge.common.ManagedIdentities.Identity;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.registries.RegistryView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * The cluster side of a workload-identity binding, by delivery. {@code acr-pull-binding}: one msi-acrpull
 * {@code AcrPullBinding} (v1beta2) per ServiceAccount, whose controller exchanges the ServiceAccount's token for an
 * ACR token and keeps a pull secret on it; refused with {@code acr-pull-binding-crd-missing} where its definition is
 * not installed. {@code credential-provider}: the ServiceAccounts annotated with the identity's client and tenant ids,
 * which Azure's acr-credential-provider reads when the kubelet hands it the pod's ServiceAccount token (Kubernetes
 * 1.34 and later). Objects carry PullBridge's labels (or, on a ServiceAccount, its annotation); an object of the same
 * name that PullBridge does not manage, or a ServiceAccount annotated for another identity by someone else, is never
 * overwritten: the job fails saying whose it is.
 */
@Component
class WorkloadIdentityCluster {

    static final CustomType ACR_PULL_BINDING = new CustomType("acrpull.microsoft.com", "v1beta2", "acrpullbindings",
            "AcrPullBinding");
    static final String CLIENT_ID = "azure.workload.identity/client-id";
    static final String TENANT_ID = "azure.workload.identity/tenant-id";
    static final String MARK = "pullbridge.io/workload-identity-binding";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String BINDING_LABEL = "pullbridge.io/binding";
    /** Kubelet credential providers get ServiceAccount tokens from Kubernetes 1.34 (beta, on by default). */
    static final int CREDENTIAL_PROVIDER_MINOR = 34;
    private static final Pattern VERSION = Pattern.compile("^v?(\\d+)\\.(\\d+)");

    private final ClusterConnections connections;
    private final WorkloadIdentityProperties properties;

    WorkloadIdentityCluster(ClusterConnections connections, WorkloadIdentityProperties properties) {
        this.connections = connections;
        this.properties = properties;
    }

    /**
     * Makes the cluster-side objects those the binding wants, and removes those of ServiceAccounts it no longer
     * names; returns what it keeps, as {@code <kind> <namespace>/<name>}.
     */
    List<String> apply(JobContext job, BindingSnapshot binding, ClusterView cluster, RegistryView registry,
                       Identity identity, List<String> drift) throws Exception {
        WorkloadIdentitySpec spec = binding.workloadIdentity();
        List<String> previous = binding.workloadIdentityStatus() == null ? List.of()
                : binding.workloadIdentityStatus().clusterObjects();
        ClusterApi api = connections.open(job, cluster.id());
        if (spec.delivery() == WorkloadIdentityDelivery.ACR_PULL_BINDING) {
            return job.step("write-acr-pull-bindings", () -> {
                requireAcrPull(api, cluster);
                List<String> kept = new ArrayList<>();
                for (String serviceAccount : spec.serviceAccounts()) {
                    CustomObject wanted = acrPullBinding(binding, registry, identity, serviceAccount);
                    String label = describe(wanted);
                    Optional<CustomObject> found = api.customObject(ACR_PULL_BINDING, spec.namespace(), wanted.name());
                    if (found.isEmpty()) {
                        if (previous.contains(label)) {
                            drift.add(label + " was deleted outside PullBridge");
                        }
                        api.createCustomObject(wanted);
                    } else if (!ours(found.get().labels(), binding)) {
                        throw notOurs(label + " exists and PullBridge does not manage it (no "
                                + BINDING_LABEL + "=" + binding.id() + " label)");
                    } else if (!found.get().spec().equals(wanted.spec())) {
                        drift.add(label + " was changed outside PullBridge");
                        api.replaceCustomObject(wanted.withResourceVersion(found.get().resourceVersion()));
                    }
                    kept.add(label);
                }
                for (CustomObject stale : api.customObjects(ACR_PULL_BINDING, BINDING_LABEL + "=" + binding.id())) {
                    if (!kept.contains(describe(stale))) {
                        api.deleteCustomObject(ACR_PULL_BINDING, stale.namespace(), stale.name(),
                                stale.resourceVersion());
                    }
                }
                return kept;
            }, kept -> kept.size() + " AcrPullBinding(s) in " + spec.namespace() + " for " + registry.loginServer());
        }
        return job.step("annotate-service-accounts", () -> {
            requireCredentialProviders(api, cluster);
            List<String> kept = new ArrayList<>();
            for (String name : spec.serviceAccounts()) {
                ClusterApi.ServiceAccount account = api.serviceAccount(spec.namespace(), name).orElseThrow(
                        () -> JobFailure.permanent("service-account-not-found", "The ServiceAccount does not exist",
                                422, "ServiceAccount " + spec.namespace() + "/" + name + " does not exist in cluster "
                                        + cluster.name() + ": create it, then retry the job"));
                String label = "ServiceAccount " + spec.namespace() + "/" + name;
                Map<String, String> annotations = account.annotations();
                String owner = annotations.get(MARK);
                String clientId = annotations.get(CLIENT_ID);
                if (owner == null && clientId != null && !clientId.equals(identity.clientId().toString())) {
                    throw notOurs(label + " is annotated for identity " + clientId + " by someone else");
                }
                if (owner != null && !owner.equals(binding.id().toString())) {
                    throw notOurs(label + " is annotated for identity " + clientId + " by binding " + owner);
                }
                if (previous.contains(label) && (owner == null || clientId == null)) {
                    drift.add(label + " lost its workload identity annotations");
                }
                api.annotate(account, Map.of(CLIENT_ID, identity.clientId().toString(), TENANT_ID,
                        identity.tenantId().toString(), MARK, binding.id().toString()));
                kept.add(label);
            }
            for (String label : previous) {
                if (!kept.contains(label) && label.startsWith("ServiceAccount ")) {
                    unannotate(api, binding, label);
                }
            }
            return kept;
        }, kept -> kept.size() + " ServiceAccount(s) in " + spec.namespace() + " annotated with client id "
                + identity.clientId());
    }

    /** Checks, changing nothing, that the cluster-side objects are as the binding wants. */
    void verify(JobContext job, BindingSnapshot binding, ClusterView cluster, RegistryView registry,
                Identity identity, List<String> problems) throws Exception {
        WorkloadIdentitySpec spec = binding.workloadIdentity();
        ClusterApi api = connections.open(job, cluster.id());
        job.step("check-cluster", () -> {
            List<String> found = new ArrayList<>();
            if (spec.delivery() == WorkloadIdentityDelivery.ACR_PULL_BINDING) {
                if (!api.serves(ACR_PULL_BINDING)) {
                    found.add("cluster " + cluster.name() + " does not serve AcrPullBinding (msi-acrpull is not "
                            + "installed)");
                } else {
                    for (String serviceAccount : spec.serviceAccounts()) {
                        CustomObject wanted = acrPullBinding(binding, registry, identity, serviceAccount);
                        Optional<CustomObject> actual = api.customObject(ACR_PULL_BINDING, spec.namespace(),
                                wanted.name());
                        if (actual.isEmpty() || !actual.get().spec().equals(wanted.spec())) {
                            found.add(describe(wanted) + (actual.isEmpty() ? " does not exist" : " is not as wanted"));
                        }
                    }
                }
            } else {
                for (String name : spec.serviceAccounts()) {
                    Map<String, String> annotations = api.serviceAccount(spec.namespace(), name)
                            .map(ClusterApi.ServiceAccount::annotations).orElse(null);
                    if (annotations == null) {
                        found.add("ServiceAccount " + spec.namespace() + "/" + name + " does not exist");
                    } else if (!identity.clientId().toString().equals(annotations.get(CLIENT_ID))
                            || !identity.tenantId().toString().equals(annotations.get(TENANT_ID))) {
                        found.add("ServiceAccount " + spec.namespace() + "/" + name + " is not annotated with client id "
                                + identity.clientId() + " and tenant id " + identity.tenantId());
                    }
                }
            }
            problems.addAll(found);
            return found.isEmpty() ? "cluster-side objects in place" : String.join("; ", found);
        });
    }

    /** Removes what the binding keeps in the cluster; a cluster PullBridge can no longer reach is left as it is. */
    String remove(JobContext job, BindingSnapshot binding, ClusterView cluster) {
        List<String> previous = binding.workloadIdentityStatus() == null ? List.of()
                : binding.workloadIdentityStatus().clusterObjects();
        if (previous.isEmpty()) {
            return "nothing was made in the cluster for this binding";
        }
        ClusterApi api = connections.open(job, cluster.id());
        int removed = 0;
        if (binding.workloadIdentity().delivery() == WorkloadIdentityDelivery.ACR_PULL_BINDING) {
            if (api.serves(ACR_PULL_BINDING)) {
                for (CustomObject object : api.customObjects(ACR_PULL_BINDING, BINDING_LABEL + "=" + binding.id())) {
                    if (api.deleteCustomObject(ACR_PULL_BINDING, object.namespace(), object.name(),
                            object.resourceVersion())) {
                        removed++;
                    }
                }
            }
            return "deleted " + removed + " AcrPullBinding(s)";
        }
        for (String label : previous) {
            if (unannotate(api, binding, label)) {
                removed++;
            }
        }
        return "removed the workload identity annotations of " + removed + " ServiceAccount(s)";
    }

    private boolean unannotate(ClusterApi api, BindingSnapshot binding, String label) {
        String[] namespaceAndName = label.substring("ServiceAccount ".length()).split("/", 2);
        Optional<ClusterApi.ServiceAccount> account = api.serviceAccount(namespaceAndName[0], namespaceAndName[1]);
        if (account.isEmpty() || !binding.id().toString().equals(account.get().annotations().get(MARK))) {
            return false;
        }
        Map<String, String> removal = new LinkedHashMap<>();
        removal.put(CLIENT_ID, null);
        removal.put(TENANT_ID, null);
        removal.put(MARK, null);
        api.annotate(account.get(), Collections.unmodifiableMap(removal));
        return true;
    }

    private CustomObject acrPullBinding(BindingSnapshot binding, RegistryView registry, Identity identity,
                                       String serviceAccount) {
        WorkloadIdentitySpec spec = binding.workloadIdentity();
        String scope = String.join(" ", spec.repositories().stream()
                .map(repository -> "repository:" + repository + ":pull").toList());
        Map<String, Object> acr = new LinkedHashMap<>();
        acr.put("server", registry.loginServer());
        acr.put("scope", scope);
        acr.put("environment", properties.environment());
        Map<String, Object> workloadIdentity = new LinkedHashMap<>();
        workloadIdentity.put("serviceAccountRef", serviceAccount);
        workloadIdentity.put("clientID", identity.clientId().toString());
        workloadIdentity.put("tenantID", identity.tenantId().toString());
        Map<String, Object> specification = new LinkedHashMap<>();
        specification.put("acr", acr);
        specification.put("auth", Map.of("workloadIdentity", workloadIdentity));
        specification.put("serviceAccountName", serviceAccount);
        return new CustomObject(ACR_PULL_BINDING, spec.namespace(), objectName(serviceAccount, binding),
                Map.of(MANAGED_BY, "pullbridge", BINDING_LABEL, binding.id().toString()), Map.of(), specification,
                null);
    }

    /** {@code pullbridge-<first 8 of the binding id>-<ServiceAccount>}, cut to a DNS-1123 subdomain's 253. */
    static String objectName(String serviceAccount, BindingSnapshot binding) {
        String name = "pullbridge-" + binding.id().toString().substring(0, 8) + "-" + serviceAccount;
        return name.length() <= 253 ? name : name.substring(0, 253).replaceAll("[-.]+$", "");
    }

    private void requireAcrPull(ClusterApi api, ClusterView cluster) {
        if (!api.serves(ACR_PULL_BINDING)) {
            throw JobFailure.permanent("acr-pull-binding-crd-missing", "msi-acrpull is not installed", 422,
                    "Cluster " + cluster.name() + " does not serve " + ACR_PULL_BINDING.kind() + " ("
                            + ACR_PULL_BINDING.apiVersion() + "): install Azure's acrpull controller (msi-acrpull) "
                            + "and its CRDs, check with 'kubectl api-resources --api-group=acrpull.microsoft.com', "
                            + "then retry the job");
        }
    }

    private static void requireCredentialProviders(ClusterApi api, ClusterView cluster) {
        String version = api.serverVersion();
        Matcher matcher = VERSION.matcher(version == null ? "" : version);
        boolean supported = matcher.find() && (Integer.parseInt(matcher.group(1)) > 1
                || Integer.parseInt(matcher.group(2)) >= CREDENTIAL_PROVIDER_MINOR);
        if (!supported) {
            throw JobFailure.permanent("kubelet-credential-provider-unsupported", "The cluster's kubelet cannot use "
                    + "ServiceAccount tokens", 422, "Cluster " + cluster.name() + " runs Kubernetes " + version
                    + "; kubelet credential providers get ServiceAccount tokens from 1.34 (KEP-4412). Upgrade the "
                    + "cluster, or use delivery acr-pull-binding");
        }
    }

    private static boolean ours(Map<String, String> labels, BindingSnapshot binding) {
        return binding.id().toString().equals(labels.get(BINDING_LABEL));
    }

    private static String describe(CustomObject object) {
        return object.type().kind() + " " + object.namespace() + "/" + object.name();
    }

    private static JobFailure notOurs(String detail) {
        return JobFailure.permanent("cluster-object-not-managed", "PullBridge does not manage the object", 409,
                detail + "; PullBridge never overwrites what someone else manages: remove or rename it, or bind "
                        + "another ServiceAccount");
    }
}
