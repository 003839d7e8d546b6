package io.pullbridge.bindings;

import io.pullbridge.clusters.ClusterKind;
import io.pullbridge.clusters.ClusterView;
import io.pullbridge.common.ArmResourceId;
import io.pullbridge.common.Cidr;
import io.pullbridge.common.KubernetesNames;
import io.pullbridge.common.LabelSelector;
import io.pullbridge.common.ManagedIdentities;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.Violations;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.scheduling.support.CronExpression;

/**
 * The syntax of a binding's spec: names, selectors, addresses, schedules. Checks what can be checked without
 * the database, applies defaults, and reports every invalid field at once; and the one rule on the cluster that more
 * than one method shares, its kind.
 */
public final class BindingRules {

    static final String DEFAULT_SECRET_NAME = "acr-secret";
    static final List<String> DEFAULT_SERVICE_ACCOUNTS = List.of("default");
    static final List<String> DEFAULT_CONNECTED_NAMESPACES = List.of("default");
    static final String DEFAULT_SYNC_SCHEDULE = "* * * * *";
    static final Duration MIN_SYNC_WINDOW = Duration.ofHours(3);
    static final Duration MAX_SYNC_WINDOW = Duration.ofDays(7);

    private static final Pattern CONNECTED_REGISTRY_NAME = Pattern.compile("[a-zA-Z0-9]{5,40}");
    private static final Pattern REPOSITORY = Pattern.compile(
            "[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*");

    private BindingRules() {
    }

    /** @return the pull-secret spec with defaults, or null when {@code options} is invalid (violations say why) */
    public static PullSecretSpec pullSecret(PullSecretOptions options, String path, Violations violations,
                                            boolean requireCredential) {
        CredentialReference credential = options.credential();
        if (credential == null) {
            violations.check(!requireCredential, path + ".credential",
                    "is required: give servicePrincipalId or tokenId");
        } else {
            violations.check((credential.servicePrincipalId() == null) != (credential.tokenId() == null),
                    path + ".credential", "must name exactly one of servicePrincipalId and tokenId");
        }
        String secretName = options.secretName() == null ? DEFAULT_SECRET_NAME : options.secretName();
        violations.check(KubernetesNames.isDns1123Subdomain(secretName), path + ".secretName",
                KubernetesNames.SUBDOMAIN_RULE);
        List<String> namespaces = options.namespaces() == null ? List.of() : options.namespaces();
        labels(namespaces, path + ".namespaces", violations);
        String selector = options.namespaceSelector();
        if (selector != null) {
            try {
                LabelSelector.parse(selector);
            } catch (IllegalArgumentException e) {
                violations.add(path + ".namespaceSelector", "is not a valid label selector: " + e.getMessage());
            }
        }
        violations.check(!namespaces.isEmpty() || selector != null, path,
                "give namespaces, a namespaceSelector, or both");
        List<String> excluded = options.excludeNamespaces() == null ? List.of() : options.excludeNamespaces();
        labels(excluded, path + ".excludeNamespaces", violations);
        List<String> serviceAccounts = options.serviceAccounts() == null ? DEFAULT_SERVICE_ACCOUNTS
                : options.serviceAccounts();
        for (int i = 0; i < serviceAccounts.size(); i++) {
            violations.check(KubernetesNames.isDns1123Subdomain(serviceAccounts.get(i)),
                    path + ".serviceAccounts[" + i + "]", KubernetesNames.SUBDOMAIN_RULE);
        }
        noDuplicates(serviceAccounts, path + ".serviceAccounts", violations);
        return new PullSecretSpec(credential == null ? null : credential.servicePrincipalId(),
                credential == null ? null : credential.tokenId(), secretName, namespaces, selector, excluded,
                serviceAccounts);
    }

    public static ConnectedRegistrySpec connectedRegistry(ConnectedRegistryOptions options, String path,
                                                          Violations violations) {
        violations.check(options.name() != null && CONNECTED_REGISTRY_NAME.matcher(options.name()).matches(),
                path + ".name", "is required: 5 to 40 letters and digits");
        List<String> repositories = options.repositories() == null ? List.of() : options.repositories();
        repositories(repositories, path + ".repositories", violations);
        if (options.clusterIP() == null) {
            violations.add(path + ".clusterIP", "is required: an IPv4 address in the cluster's service CIDR");
        } else {
            clusterIp(options.clusterIP(), path + ".clusterIP", violations);
        }
        String schedule = options.syncSchedule() == null ? DEFAULT_SYNC_SCHEDULE : options.syncSchedule();
        syncSchedule(schedule, path + ".syncSchedule", violations);
        if (options.syncWindow() != null) {
            syncWindow(options.syncWindow(), path + ".syncWindow", violations);
        }
        String secretName = options.secretName() == null ? DEFAULT_SECRET_NAME : options.secretName();
        violations.check(KubernetesNames.isDns1123Subdomain(secretName), path + ".secretName",
                KubernetesNames.SUBDOMAIN_RULE);
        List<String> namespaces = options.namespaces() == null ? DEFAULT_CONNECTED_NAMESPACES : options.namespaces();
        violations.check(!namespaces.isEmpty(), path + ".namespaces", "must name at least one namespace");
        labels(namespaces, path + ".namespaces", violations);
        ConnectedRegistryMode mode = options.mode() == null ? ConnectedRegistryMode.READ_ONLY : options.mode();
        return new ConnectedRegistrySpec(options.name(), mode, repositories, options.clusterIP(), schedule,
                options.syncWindow(), secretName, namespaces);
    }

    /**
     * @return the workload-identity spec, or null when {@code options} is invalid (violations say why). At most
     *         {@link ManagedIdentities#MAX_FEDERATED_CREDENTIALS} ServiceAccounts, one federated credential each.
     */
    public static WorkloadIdentitySpec workloadIdentity(WorkloadIdentityOptions options, String path,
                                                        Violations violations) {
        boolean valid = violations.check(options.namespace() != null
                && KubernetesNames.isDns1123Label(options.namespace()), path + ".namespace", KubernetesNames.LABEL_RULE);
        List<String> serviceAccounts = options.serviceAccounts() == null ? List.of() : options.serviceAccounts();
        valid &= violations.check(!serviceAccounts.isEmpty(), path + ".serviceAccounts",
                "must name at least one ServiceAccount");
        valid &= violations.check(serviceAccounts.size() <= ManagedIdentities.MAX_FEDERATED_CREDENTIALS,
                path + ".serviceAccounts", "may list at most " + ManagedIdentities.MAX_FEDERATED_CREDENTIALS
                        + " ServiceAccounts: Entra keeps at most that many federated credentials on one identity");
        for (int i = 0; i < serviceAccounts.size(); i++) {
            valid &= violations.check(serviceAccounts.get(i) != null
                            && KubernetesNames.isDns1123Subdomain(serviceAccounts.get(i)),
                    path + ".serviceAccounts[" + i + "]", KubernetesNames.SUBDOMAIN_RULE);
        }
        noDuplicates(serviceAccounts, path + ".serviceAccounts", violations);
        List<String> repositories = options.repositories() == null ? List.of() : options.repositories();
        if (!repositories.isEmpty()) {
            repositories(repositories, path + ".repositories", violations);
        }
        valid &= violations.check(options.delivery() != null, path + ".delivery",
                "is required: acr-pull-binding or credential-provider");
        valid &= violations.check(options.delivery() != WorkloadIdentityDelivery.ACR_PULL_BINDING
                        || !repositories.isEmpty(), path + ".repositories",
                "must name at least one repository for acr-pull-binding: an ACR token's scope names repositories "
                        + "(there is no wildcard)");
        if (options.identityResourceId() != null) {
            try {
                ArmResourceId.parse(options.identityResourceId(), ArmResourceId.ResourceType.USER_ASSIGNED_IDENTITY);
            } catch (IllegalArgumentException e) {
                valid = false;
                violations.add(path + ".identityResourceId", e.getMessage());
            }
        }
        return valid && violations.isEmpty() ? new WorkloadIdentitySpec(options.namespace(), serviceAccounts,
                repositories, options.delivery(), options.identityResourceId()) : null;
    }

    /** @throws ApiException 422 on {@code clusterId} unless the cluster is of {@code kind}, saying {@code why} */
    public static void requireKind(ClusterView cluster, ClusterKind kind, String why) {
        if (cluster.kind() != kind) {
            throw ApiException.semantic("clusterId", "cluster " + cluster.name() + " is of kind " + cluster.kind()
                    + ", but " + why + " (kind " + kind + ")");
        }
    }

    static void repositories(List<String> repositories, String path, Violations violations) {
        violations.check(!repositories.isEmpty(), path, "must name at least one repository to sync");
        for (int i = 0; i < repositories.size(); i++) {
            String repository = repositories.get(i);
            violations.check(repository != null && repository.length() <= 256 && REPOSITORY.matcher(repository).matches(),
                    path + "[" + i + "]", "must be a repository name: lower-case letters, digits and the separators "
                            + "'.', '_', '-' and '/', at most 256 characters");
        }
        noDuplicates(repositories, path, violations);
    }

    static void syncSchedule(String schedule, String path, Violations violations) {
        String[] fields = schedule.strip().split("\\s+");
        boolean valid = fields.length == 5;
        if (valid) {
            try {
                CronExpression.parse("0 " + schedule.strip());
            } catch (IllegalArgumentException e) {
                valid = false;
            }
        }
        violations.check(valid, path, "must be a five-field cron expression (minute hour day-of-month month "
                + "day-of-week), e.g. '0 0 * * *'");
    }

    static void syncWindow(String window, String path, Violations violations) {
        try {
            Duration duration = Duration.parse(window);
            violations.check(duration.compareTo(MIN_SYNC_WINDOW) >= 0 && duration.compareTo(MAX_SYNC_WINDOW) <= 0,
                    path, "must be between PT3H and P7D, as ACR requires");
        } catch (DateTimeParseException e) {
            violations.add(path, "must be an ISO-8601 duration such as PT24H");
        }
    }

    /** @return the address, or null when it is not an IPv4 literal (a violation is added) */
    static InetAddress clusterIp(String text, String path, Violations violations) {
        try {
            InetAddress address = Cidr.parseIpLiteral(text);
            if (address instanceof Inet4Address) {
                return address;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        violations.add(path, "must be an IPv4 address such as 10.0.0.50");
        return null;
    }

    private static void labels(List<String> names, String path, Violations violations) {
        for (int i = 0; i < names.size(); i++) {
            violations.check(KubernetesNames.isDns1123Label(names.get(i)), path + "[" + i + "]",
                    KubernetesNames.LABEL_RULE);
        }
        noDuplicates(names, path, violations);
    }

    private static void noDuplicates(List<String> values, String path, Violations violations) {
        Set<String> seen = new HashSet<>();
        for (String value : values) {
            if (value != null && !seen.add(value)) {
                violations.add(path, "lists '" + value + "' more than once");
                return;
            }
        }
    }
}
