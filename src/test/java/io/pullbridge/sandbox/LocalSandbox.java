package io.pullbridge.sandbox;

import io.pullbridge.PullBridgeApplication;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.GraphServicePrincipal;
import io.pullbridge.support.kube.EmulatedCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The local sandbox, started by {@code ./mvnw spring-boot:test-run}: PullBridge on an embedded PostgreSQL server,
 * validating tokens from a loopback issuer, under a master key generated at start. It needs nothing installed or
 * running on the machine; its database is thrown away when it stops. When ready it prints the Swagger UI address and
 * an Admin bearer token (see {@link SandboxBanner}).
 * <p>
 * Spring Boot command-line arguments are passed through and win over the sandbox's own settings, e.g.
 * {@code ./mvnw spring-boot:test-run -Dspring-boot.run.arguments=--server.port=9090}; {@code SERVER_PORT} works too.
 * This must stay the only class with a main method in the test sources: {@code test-run} finds it that way.
 */
public final class LocalSandbox {

    /** The client secret of the seeded principal {@code legacy-ci}, as the README walkthrough adopts it. */
    static final String LEGACY_CI_PASSWORD = "example-password-only-for-the-sandbox";

    private LocalSandbox() {
    }

    public static void main(String[] args) {
        // Before anything opens a TLS connection: the JVM must trust the emulator's certificate.
        AzureEmulator.trustEmulatorCertificate();
        seedAzure(AzureEmulator.shared());
        writeKubeconfig(Path.of("target", "sandbox", "cluster.kubeconfig"), EmulatedCluster.shared());
        writeKubeconfig(Path.of("target", "sandbox", "onprem.kubeconfig"), onPremises());
        seedEntraCluster(AzureEmulator.shared());
        start(args);
    }

    /**
     * The sandbox's second cluster, "on premises": another emulated API server on 127.0.0.1, with namespaces
     * {@code team-a}, {@code team-b}, {@code team-c} (labelled {@code team=a}), {@code tools} and {@code kube-system},
     * each with its {@code default} ServiceAccount.
     */
    static EmulatedCluster onPremises() {
        EmulatedCluster cluster = EmulatedCluster.start("team-a", "team-b", "tools", "kube-system");
        cluster.addNamespace("team-c", java.util.Map.of("team", "a"));
        return cluster;
    }

    /**
     * Writes a kubeconfig for an emulated cluster where the README walkthrough reads it. The shared cluster is also
     * the one behind the emulated AKS cluster {@code prod-weu}.
     */
    static void writeKubeconfig(Path file, EmulatedCluster cluster) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, cluster.kubeconfig());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the sandbox cluster's kubeconfig to " + file, e);
        }
    }

    /** What the README walkthrough finds in the emulated Azure: its registries, clusters and a principal to adopt. */
    static void seedAzure(AzureEmulator azure) {
        String subscription = "00000000-0000-0000-0000-000000000001";
        azure.addSubscription(subscription)
                .addResourceGroup(subscription, "rg-shared")
                .addResourceGroup(subscription, "rg-aks")
                .addResourceGroup(subscription, "rg-edge")
                .addResourceGroup(subscription, "rg-identities");
        azure.addRegistry(subscription, "rg-shared", "contosoacr").sku("Premium").location("westeurope")
                .dataEndpointEnabled(true);
        azure.addRegistry(subscription, "rg-shared", "fabrikamacr").sku("Standard").location("westeurope");
        // prod-weu has its OIDC issuer on, and its API server serves msi-acrpull's AcrPullBinding: workload identity.
        azure.addManagedCluster(subscription, "rg-aks", "prod-weu")
                .oidcIssuer("https://westeurope.oic.prod-aks.azure.com/" + azure.tenantId() + "/prod-weu/");
        EmulatedCluster.shared().installCustomResource("acrpull.microsoft.com", "v1beta2", "acrpullbindings",
                "AcrPullBinding");
        azure.addConnectedCluster(subscription, "rg-edge", "edge-1");
        GraphServicePrincipal legacy = azure.addServicePrincipal("legacy-ci", "11111111-1111-1111-1111-111111111111",
                "22222222-2222-2222-2222-222222222222");
        // Adopting proves the password by signing in with it: the walkthrough's password is legacy-ci's own.
        azure.addPassword(legacy, LEGACY_CI_PASSWORD, Instant.now().plus(Duration.ofDays(365)));
    }

    /**
     * The AKS cluster {@code corp-weu} as enterprises run them: managed Microsoft Entra integration, Azure RBAC for
     * Kubernetes and local accounts disabled. Its API server (another emulated one, namespaces {@code team-a} and
     * {@code team-b}) accepts only tokens the emulated Entra ID issued for the AKS server application. It runs
     * Kubernetes 1.34 with its OIDC issuer on: workload identity delivered to the kubelet credential provider.
     */
    static void seedEntraCluster(AzureEmulator azure) {
        EmulatedCluster apiServer = EmulatedCluster.start("team-a", "team-b").version("v1.34.1");
        azure.addManagedCluster("00000000-0000-0000-0000-000000000001", "rg-aks", "corp-weu")
                .entraOnly(apiServer, true)
                .oidcIssuer("https://westeurope.oic.prod-aks.azure.com/" + azure.tenantId() + "/corp-weu/");
    }

    /** Starts the sandbox and returns its running application context. */
    public static ConfigurableApplicationContext start(String... args) {
        return SpringApplication.from(PullBridgeApplication::main)
                .with(SandboxBanner.class)
                .run(arguments(args))
                .getApplicationContext();
    }

    /**
     * The sandbox's settings as command-line arguments, so that they win over stray environment variables (a
     * {@code SPRING_DATASOURCE_URL} in the user's shell must not send the sandbox to another database), followed by
     * the user's own arguments, which replace the sandbox's setting of the same name.
     */
    static String[] arguments(String... userArgs) {
        Set<String> given = Arrays.stream(userArgs)
                .filter(arg -> arg.startsWith("--"))
                .map(arg -> arg.indexOf('=') < 0 ? arg.substring(2) : arg.substring(2, arg.indexOf('=')))
                .collect(Collectors.toSet());
        List<String> arguments = new ArrayList<>();
        properties().forEach((name, value) -> {
            if (!given.contains(name)) {
                arguments.add("--" + name + "=" + value);
            }
        });
        arguments.addAll(List.of(userArgs));
        return arguments.toArray(String[]::new);
    }

    private static Map<String, Object> properties() {
        Map<String, Object> properties = new TreeMap<>(TestPlatform.properties("sandbox"));
        // Emulated clusters serve their API on loopback, which the kubeconfig server check refuses by default.
        properties.put("pullbridge.clusters.allowed-hosts", "127.0.0.1,localhost");
        // Swagger UI keeps the token pasted into it across page reloads; outside the sandbox it does not.
        properties.put("springdoc.swagger-ui.persist-authorization", "true");
        // The emulated Arc extension installs in a couple of reads: look again every 2 seconds, not every 15.
        properties.put("pullbridge.bindings.connected-registry.poll-interval", "PT2S");
        // Workload-identity bindings' identities go to the emulated rg-identities.
        properties.put("pullbridge.workload-identity.resource-group",
                "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-identities");
        return properties;
    }
}
