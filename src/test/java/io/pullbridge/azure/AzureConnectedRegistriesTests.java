package io.pullbridge.azure;

import io.pullbridge.bindings.ConnectedRegistries;
import io.pullbridge.bindings.ConnectedRegistries.ConnectedRegistryFacts;
import io.pullbridge.bindings.ConnectedRegistries.ConnectedRegistrySettings;
import io.pullbridge.bindings.ConnectedRegistries.ExtensionFacts;
import io.pullbridge.bindings.ConnectedRegistries.ExtensionSettings;
import io.pullbridge.bindings.ConnectedRegistryMode;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobProblem;
import io.pullbridge.registries.RegistryTokenStore.GeneratedPassword;
import io.pullbridge.registries.RegistryTokenStore.PasswordSlot;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedConnectedCluster;
import io.pullbridge.support.azure.EmulatedConnectedRegistry;
import io.pullbridge.support.azure.EmulatedRegistry;
import io.pullbridge.support.azure.RecordedRequest;
import io.pullbridge.support.azure.RecordedRequest.Surface;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.pullbridge.azure.AzureTestSupport.CLIENT_ID;
import static io.pullbridge.azure.AzureTestSupport.CLIENT_SECRET;
import static io.pullbridge.azure.AzureTestSupport.SUBSCRIPTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Connected registries and their Arc extension through the real Azure SDK against the Azure emulator: the exact ARM
 * calls (method, path, api-version, body), what is read back, and how failures come out.
 */
class AzureConnectedRegistriesTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CR = "edge1cr";

    @AutoClose
    private static final AzureEmulator emulator = AzureEmulator.start();

    private EmulatedRegistry registry;
    private EmulatedConnectedCluster cluster;
    private AzureConnectedRegistries connected;
    private AzureRegistryTokenStore tokens;

    @BeforeEach
    void seed() {
        emulator.reset();
        emulator.registerPullBridge(CLIENT_ID, CLIENT_SECRET);
        registry = emulator.addRegistry(SUBSCRIPTION, "rg1", "myregistry").sku("Premium").dataEndpointEnabled(true);
        cluster = emulator.addConnectedCluster(SUBSCRIPTION, "edge", "arc1");
        AzureClients clients = AzureTestSupport.clients(emulator);
        connected = new AzureConnectedRegistries(clients);
        tokens = new AzureRegistryTokenStore(clients);
    }

    // ---- naming and content rules (az acr connected-registry)

    @Test
    void theConnectionStringIsTheOneAzAcrConnectedRegistryGetSettingsPrints() {
        assertThat(ConnectedRegistries.connectionString("myconnectedregistry", "myconnectedregistry", "p+ss/w0rd=",
                "myacrregistry.westus2.data.azurecr.io"))
                .isEqualTo("ConnectedRegistryName=myconnectedregistry;SyncTokenName=myconnectedregistry;"
                        + "SyncTokenPassword=p+ss/w0rd=;ParentGatewayEndpoint=myacrregistry.westus2.data.azurecr.io;"
                        + "ParentEndpointProtocol=https");
        assertThatThrownBy(() -> ConnectedRegistries.connectionString("cr", "token", "a;b", "gw"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("a;b");
        assertThatThrownBy(() -> ConnectedRegistries.connectionString("cr", "token", null, "gw"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void syncTokenAndScopeMapAreNamedAfterTheConnectedRegistryWithItsModesActionsThenItsGatewayActions() {
        assertThat(ConnectedRegistries.syncTokenName("EdgeCr01")).isEqualTo("EdgeCr01");
        assertThat(ConnectedRegistries.syncScopeMapName("EdgeCr01")).isEqualTo("EdgeCr01");
        assertThat(ConnectedRegistries.syncScopeMapActions("EdgeCr01", ConnectedRegistryMode.READ_ONLY,
                List.of("hello-world", "Team/App", "hello-world"))).containsExactly(
                "repositories/hello-world/content/read",
                "repositories/hello-world/metadata/read",
                "repositories/team/app/content/read",
                "repositories/team/app/metadata/read",
                "gateway/edgecr01/config/read",
                "gateway/edgecr01/config/write",
                "gateway/edgecr01/message/read",
                "gateway/edgecr01/message/write");
        assertThat(ConnectedRegistries.syncScopeMapActions("EdgeCr01", ConnectedRegistryMode.READ_WRITE,
                List.of("hello-world"))).containsExactly(
                "repositories/hello-world/content/read",
                "repositories/hello-world/content/write",
                "repositories/hello-world/content/delete",
                "repositories/hello-world/metadata/read",
                "repositories/hello-world/metadata/write",
                "gateway/edgecr01/config/read",
                "gateway/edgecr01/config/write",
                "gateway/edgecr01/message/read",
                "gateway/edgecr01/message/write");
        assertThatThrownBy(() -> ConnectedRegistries.syncScopeMapActions("EdgeCr01", ConnectedRegistryMode.READ_ONLY,
                List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void extensionSettingsHaveTheDocumentedKeysAndNeverShowTheConnectionString() {
        ExtensionSettings defaults = ExtensionSettings.of("10.0.0.50",
                "ConnectedRegistryName=x;SyncTokenPassword=s3cr3t");
        ExtensionSettings custom = new ExtensionSettings("10.0.0.51", "local-path", "500Gi",
                ConnectedRegistries.CertManager.PREINSTALLED, ConnectedRegistries.TrustDistribution.LABELED_NODES,
                false, "preview", "ConnectedRegistryName=x;SyncTokenPassword=s3cr3t");

        assertThat(defaults.configurationSettings()).containsExactly(
                Map.entry("service.clusterIP", "10.0.0.50"),
                Map.entry("pvc.storageRequest", "250Gi"),
                Map.entry("cert-manager.enabled", "true"),
                Map.entry("cert-manager.install", "true"),
                Map.entry("trustDistribution.enabled", "true"),
                Map.entry("trustDistribution.skipNodeSelector", "true"));
        assertThat(custom.configurationSettings()).containsExactly(
                Map.entry("service.clusterIP", "10.0.0.51"),
                Map.entry("pvc.storageClassName", "local-path"),
                Map.entry("pvc.storageRequest", "500Gi"),
                Map.entry("cert-manager.enabled", "true"),
                Map.entry("cert-manager.install", "false"),
                Map.entry("trustDistribution.enabled", "true"),
                Map.entry("trustDistribution.skipNodeSelector", "false"));
        assertThat(defaults.toString()).contains("10.0.0.50").doesNotContain("s3cr3t");
        assertThat(custom.toString()).doesNotContain("s3cr3t");
    }

    // ---- connected registries

    @Test
    void writesTheSyncScopeMapWithOnePut() {
        connected.putSyncScopeMap(registry.id(), CR, ConnectedRegistryMode.READ_ONLY, List.of("hello-world"));

        assertThat(registry.scopeMap(CR).actions()).containsExactly(
                "repositories/hello-world/content/read",
                "repositories/hello-world/metadata/read",
                "gateway/edge1cr/config/read",
                "gateway/edge1cr/config/write",
                "gateway/edge1cr/message/read",
                "gateway/edge1cr/message/write");
        assertThat(emulator.callLines()).containsExactly(
                "PUT " + registry.id() + "/scopeMaps/" + CR + "?api-version=2025-11-01");
    }

    @Test
    void createsAConnectedRegistryWithOneRegistryReadAndOnePutInTheShapeOfAzuresExample() {
        syncToken();
        tokens.putScopeMap(registry.id(), "client1", Map.of("hello-world", List.of("content/read")));
        tokens.putToken(registry.id(), "client1", "client1");
        emulator.clearRequests();

        connected.put(registry.id(), new ConnectedRegistrySettings(CR, ConnectedRegistryMode.READ_ONLY,
                registry.id() + "/tokens/" + CR, "0 9 * * *", Duration.ofHours(3), null, null,
                List.of(registry.id() + "/tokens/client1"), List.of("hello-world:*:*")));

        assertThat(emulator.callLines()).containsExactly(
                "GET " + registry.id() + "?api-version=2025-11-01",
                "PUT " + registry.id() + "/connectedRegistries/" + CR + "?api-version=2025-11-01");
        JsonNode properties = body(emulator.requests(Surface.ARM).get(1)).get("properties");
        assertThat(properties.get("mode").asString()).isEqualTo("ReadOnly");
        JsonNode sync = properties.get("parent").get("syncProperties");
        assertThat(sync.get("tokenId").asString()).isEqualTo(registry.id() + "/tokens/" + CR);
        assertThat(sync.get("schedule").asString()).isEqualTo("0 9 * * *");
        assertThat(sync.get("syncWindow").asString()).isEqualTo("PT3H");
        assertThat(sync.get("messageTtl").asString()).isEqualTo("P2D");
        assertThat(properties.get("parent").has("id")).isFalse();
        assertThat(properties.get("clientTokenIds").get(0).asString()).isEqualTo(registry.id() + "/tokens/client1");
        assertThat(properties.get("logging").get("logLevel").asString()).isEqualTo("Information");
        assertThat(properties.get("logging").get("auditLogStatus").asString()).isEqualTo("Disabled");
        assertThat(properties.get("notificationsList").get(0).asString()).isEqualTo("hello-world:*:*");
        EmulatedConnectedRegistry created = emulator.connectedRegistry(registry.id() + "/connectedRegistries/" + CR)
                .orElseThrow();
        assertThat(created.mode()).isEqualTo("ReadOnly");
        assertThat(created.schedule()).isEqualTo("0 9 * * *");
    }

    @Test
    void readsWhatAcrReportsOfANewConnectedRegistry() {
        syncToken();
        connected.put(registry.id(), settings(null));
        emulator.clearRequests();

        ConnectedRegistryFacts facts = connected.read(registry.id(), CR).orElseThrow();

        assertThat(emulator.callLines()).containsExactly(
                "GET " + registry.id() + "/connectedRegistries/" + CR + "?api-version=2025-11-01");
        assertThat(facts.resourceId()).isEqualTo(registry.id() + "/connectedRegistries/" + CR);
        assertThat(facts.name()).isEqualTo(CR);
        assertThat(facts.mode()).isEqualTo(ConnectedRegistryMode.READ_ONLY);
        assertThat(facts.provisioningState()).isEqualTo("Succeeded");
        assertThat(facts.activationStatus()).isEqualTo("Inactive");
        assertThat(facts.connectionState()).isEqualTo("Offline");
        assertThat(facts.online()).isFalse();
        assertThat(facts.syncTokenResourceId()).isEqualTo(registry.id() + "/tokens/" + CR);
        assertThat(facts.syncSchedule()).isEqualTo("* * * * *");
        assertThat(facts.syncWindow()).isNull();
        assertThat(facts.messageTtl()).isEqualTo(Duration.ofDays(2));
        assertThat(facts.lastSyncTime()).isNull();
        assertThat(facts.version()).isNull();
        assertThat(facts.gatewayEndpoint()).isEqualTo("myregistry.westeurope.data.azurecr.io");
    }

    @Test
    void aConnectedRegistryThatDoesNotExistIsEmpty() {
        assertThat(connected.read(registry.id(), "nosuchcr")).isEmpty();
    }

    @Test
    void putIsIdempotentAndUpdatesButAcrRefusesToChangeTheMode() {
        syncToken();
        connected.put(registry.id(), settings(null));
        connected.put(registry.id(), settings(Duration.ofHours(6)));

        assertThat(connected.read(registry.id(), CR).orElseThrow().syncWindow()).isEqualTo(Duration.ofHours(6));
        assertThat(emulator.requests(Surface.ARM)).filteredOn(r -> r.method().equals("PUT")
                        && r.path().contains("/connectedRegistries/")).extracting(RecordedRequest::status)
                .containsExactly(201, 200);

        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> connected.put(registry.id(),
                new ConnectedRegistrySettings(CR, ConnectedRegistryMode.READ_WRITE, registry.id() + "/tokens/" + CR,
                        null, null, null, null, null, null)));
        assertThat(failure.problem().type()).isEqualTo(JobProblem.BASE + "azure-request-failed");
        assertThat(failure.problem().detail()).contains("writing connected registry edge1cr")
                .contains("ConnectedRegistryModeCannotBeChanged");
        assertThat(failure.isTransient()).isFalse();
    }

    @Test
    void deactivatesAndDeletesWithOneCallEachAndBothAreIdempotent() {
        syncToken();
        connected.put(registry.id(), settings(null));
        emulator.clearRequests();

        connected.deactivate(registry.id(), CR);
        connected.delete(registry.id(), CR);
        connected.delete(registry.id(), CR);
        connected.deactivate(registry.id(), CR);

        String id = registry.id() + "/connectedRegistries/" + CR;
        assertThat(emulator.callLines()).containsExactly(
                "POST " + id + "/deactivate?api-version=2025-11-01",
                "DELETE " + id + "?api-version=2025-11-01",
                "DELETE " + id + "?api-version=2025-11-01",
                "POST " + id + "/deactivate?api-version=2025-11-01");
        assertThat(emulator.requests(Surface.ARM)).extracting(RecordedRequest::status)
                .containsExactly(200, 200, 204, 404);
        assertThat(emulator.connectedRegistry(id)).isEmpty();
    }

    @Test
    void aRegistryThatIsNotPremiumCannotHoldAConnectedRegistryAndNothingIsWritten() {
        syncToken();
        registry.sku("Basic");
        emulator.clearRequests();

        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> connected.put(registry.id(), settings(null)));

        assertThat(failure.problem().type()).isEqualTo(JobProblem.BASE + "azure-connected-registry-unsupported");
        assertThat(failure.isTransient()).isFalse();
        assertThat(failure.problem().detail()).contains(registry.id()).contains("SKU is Basic")
                .contains("need Premium");
        assertThat(emulator.callLines()).containsExactly("GET " + registry.id() + "?api-version=2025-11-01");
    }

    @Test
    void aRegistryWithoutItsDedicatedDataEndpointCannotHoldAConnectedRegistry() {
        syncToken();
        registry.dataEndpointEnabled(false);

        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> connected.put(registry.id(), settings(null)));

        assertThat(failure.problem().type()).isEqualTo(JobProblem.BASE + "azure-connected-registry-unsupported");
        assertThat(failure.problem().detail()).contains("dedicated data endpoint is disabled");
        assertThat(emulator.connectedRegistries()).isEmpty();
    }

    @Test
    void aThrottledReadIsTransientAndKeepsAzuresRetryAfter() {
        emulator.throttleNext(1, "GET", "/connectedRegistries/", Duration.ofSeconds(30));

        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> connected.read(registry.id(), CR));

        assertThat(failure.problem().type()).isEqualTo(JobProblem.BASE + "azure-throttled");
        assertThat(failure.isTransient()).isTrue();
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(failure.problem().remoteRequestId()).isNotBlank();
    }

    // ---- the Arc extension

    @Test
    void deploysTheExtensionWithOnePutThroughGenericResourcesAndDoesNotWaitForIt() {
        String connectionString = "ConnectedRegistryName=edge1cr;SyncTokenName=edge1cr;SyncTokenPassword=s3cr3t-v4lue;"
                + "ParentGatewayEndpoint=myregistry.westeurope.data.azurecr.io;ParentEndpointProtocol=https";

        connected.putExtension(cluster.id(), CR, ExtensionSettings.of("10.0.0.50", connectionString));

        String id = extensionId();
        assertThat(emulator.callLines()).containsExactly("PUT " + id + "?api-version=2025-03-01");
        RecordedRequest put = emulator.requests(Surface.ARM).get(0);
        assertThat(put.rawPath()).isEqualTo("/" + id);
        JsonNode body = body(put);
        assertThat(body.has("location")).isFalse();
        JsonNode properties = body.get("properties");
        assertThat(properties.get("extensionType").asString())
                .isEqualTo("Microsoft.ContainerRegistry.ConnectedRegistry");
        assertThat(properties.get("autoUpgradeMinorVersion").asBoolean()).isTrue();
        assertThat(properties.has("releaseTrain")).isFalse();
        assertThat(properties.get("configurationSettings").get("service.clusterIP").asString()).isEqualTo("10.0.0.50");
        assertThat(properties.get("configurationSettings").get("pvc.storageRequest").asString()).isEqualTo("250Gi");
        assertThat(properties.get("configurationProtectedSettings").get("connectionString").asString())
                .isEqualTo(connectionString);
        assertThat(emulator.extension(id).orElseThrow().provisioningState()).isEqualTo("Creating");
        assertThat(emulator.extension(id).orElseThrow().protectedSettings())
                .containsExactly(Map.entry("connectionString", connectionString));
    }

    @Test
    void theExtensionIsCreatingUntilAzureSaysItSucceededAndActivatesTheConnectedRegistry() {
        emulator.extensionProvisioningReads(2);
        String connectionString = provisionConnectedRegistry();

        connected.putExtension(cluster.id(), CR, ExtensionSettings.of("10.0.0.50", connectionString));
        emulator.clearRequests();
        List<String> states = List.of(
                connected.readExtension(cluster.id(), CR).orElseThrow().provisioningState(),
                connected.readExtension(cluster.id(), CR).orElseThrow().provisioningState());
        ExtensionFacts done = connected.readExtension(cluster.id(), CR).orElseThrow();

        assertThat(states).containsExactly("Creating", "Creating");
        assertThat(done.succeeded()).isTrue();
        assertThat(done.inProgress()).isFalse();
        assertThat(done.problem()).isEmpty();
        assertThat(done.resourceId()).isEqualTo(extensionId());
        assertThat(done.name()).isEqualTo(CR);
        assertThat(done.extensionType()).isEqualToIgnoringCase("Microsoft.ContainerRegistry.ConnectedRegistry");
        assertThat(done.version()).isEqualTo("0.11.0");
        assertThat(done.configurationSettings()).containsEntry("service.clusterIP", "10.0.0.50");
        assertThat(done.toString()).doesNotContain(password(connectionString));
        assertThat(emulator.callLines()).containsOnly("GET " + extensionId() + "?api-version=2025-03-01").hasSize(3);

        ConnectedRegistryFacts facts = connected.read(registry.id(), CR).orElseThrow();
        assertThat(facts.active()).isTrue();
        assertThat(facts.online()).isTrue();
        assertThat(facts.version()).isEqualTo("0.11.0");
        assertThat(facts.lastSyncTime()).isNotNull();
        assertThat(facts.loginServerHost()).isEqualTo("10.0.0.50");
    }

    @Test
    void aConnectedRegistryThatGoesOfflineOrReportsAnErrorSaysSo() {
        emulator.extensionProvisioningReads(0);
        connected.putExtension(cluster.id(), CR, ExtensionSettings.of("10.0.0.50", provisionConnectedRegistry()));
        connected.readExtension(cluster.id(), CR);
        EmulatedConnectedRegistry emulated = emulator.connectedRegistry(registry.id() + "/connectedRegistries/" + CR)
                .orElseThrow();
        Instant synced = Instant.parse("2026-11-20T10:15:30Z");

        emulated.goOffline().lastSyncTime(synced);
        ConnectedRegistryFacts offline = connected.read(registry.id(), CR).orElseThrow();
        emulated.unhealthy("Disk", "DISK_PERMISSION_DENIED", "Access to the path is denied.", synced);
        ConnectedRegistryFacts unhealthy = connected.read(registry.id(), CR).orElseThrow();

        assertThat(offline.connectionState()).isEqualTo("Offline");
        assertThat(offline.active()).isTrue();
        assertThat(offline.lastSyncTime()).isEqualTo(synced);
        assertThat(unhealthy.connectionState()).isEqualTo("Unhealthy");
        assertThat(unhealthy.statusDetails()).singleElement().satisfies(detail -> {
            assertThat(detail.type()).isEqualTo("Disk");
            assertThat(detail.code()).isEqualTo("DISK_PERMISSION_DENIED");
            assertThat(detail.timestamp()).isEqualTo(synced);
        });
    }

    @Test
    void aFailedExtensionComesBackWithAzuresErrorAsAProblem() {
        emulator.extensionProvisioningReads(0).failNextExtension("ExtensionOperationFailed",
                "Helm installation failed: timed out waiting for the condition");
        connected.putExtension(cluster.id(), CR, ExtensionSettings.of("10.0.0.50", "ConnectedRegistryName=x;"
                + "SyncTokenPassword=s3cr3t"));

        ExtensionFacts failed = connected.readExtension(cluster.id(), CR).orElseThrow();

        assertThat(failed.failed()).isTrue();
        assertThat(failed.errorCode()).isEqualTo("ExtensionOperationFailed");
        assertThat(failed.statuses()).singleElement().satisfies(status -> assertThat(status.level())
                .isEqualTo("Error"));
        JobProblem problem = failed.problem().orElseThrow();
        assertThat(problem.type()).isEqualTo(JobProblem.BASE + "azure-extension-failed");
        assertThat(problem.detail()).contains("edge1cr").contains(cluster.id())
                .contains("ExtensionOperationFailed: Helm installation failed").doesNotContain("s3cr3t");
    }

    @Test
    void deletingTheExtensionShowsDeletingUntilItIsGoneAndIsIdempotent() {
        emulator.extensionProvisioningReads(0);
        connected.putExtension(cluster.id(), CR, ExtensionSettings.of("10.0.0.50", "ConnectedRegistryName=x"));
        connected.readExtension(cluster.id(), CR);
        emulator.extensionProvisioningReads(1);
        emulator.clearRequests();

        connected.deleteExtension(cluster.id(), CR);
        ExtensionFacts deleting = connected.readExtension(cluster.id(), CR).orElseThrow();
        boolean gone = connected.readExtension(cluster.id(), CR).isEmpty();
        connected.deleteExtension(cluster.id(), CR);

        assertThat(deleting.deleting()).isTrue();
        assertThat(gone).isTrue();
        assertThat(emulator.requests(Surface.ARM)).extracting(r -> r.method() + " " + r.status()).containsExactly(
                "DELETE 202", "GET 200", "GET 404", "DELETE 204");
        assertThat(emulator.callLines()).allMatch(line -> line.endsWith(extensionId() + "?api-version=2025-03-01"));
    }

    @Test
    void anExtensionRemovedBehindPullBridgesBackReadsAsAbsentAndItsConnectedRegistryGoesOffline() {
        emulator.extensionProvisioningReads(0);
        connected.putExtension(cluster.id(), CR, ExtensionSettings.of("10.0.0.50", provisionConnectedRegistry()));
        connected.readExtension(cluster.id(), CR);

        emulator.removeExtension(extensionId());

        assertThat(connected.readExtension(cluster.id(), CR)).isEmpty();
        assertThat(connected.read(registry.id(), CR).orElseThrow().connectionState()).isEqualTo("Offline");
    }

    @Test
    void anExtensionOnAConnectedClusterThatDoesNotExistIsANotFoundFailureNamingTheCluster() {
        String missing = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/edge/providers/Microsoft.Kubernetes/"
                + "connectedClusters/nosuchcluster";

        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> connected.putExtension(missing, CR,
                ExtensionSettings.of("10.0.0.50", "ConnectedRegistryName=x;SyncTokenPassword=s3cr3t")));

        assertThat(failure.problem().type()).isEqualTo(JobProblem.BASE + "azure-not-found");
        assertThat(failure.isTransient()).isFalse();
        assertThat(failure.problem().detail()).contains("deploying extension edge1cr on connected cluster " + missing)
                .contains("ParentResourceNotFound").doesNotContain("s3cr3t");
        assertThat(failure.getMessage()).doesNotContain("s3cr3t");
        assertThat(connected.readExtension(missing, CR)).isEmpty();
    }

    @Test
    void aThrottledOrRefusedExtensionPutNeverCarriesTheConnectionStringIntoTheFailure() {
        emulator.throttleNext(1, "PUT", "/extensions/", Duration.ofSeconds(45));
        JobFailure throttled = catchThrowableOfType(JobFailure.class, () -> connected.putExtension(cluster.id(), CR,
                ExtensionSettings.of("10.0.0.50", "ConnectedRegistryName=x;SyncTokenPassword=s3cr3t")));
        emulator.failNext(1, "PUT", "/extensions/", 400, "InvalidConfigurationSettings",
                "service.clusterIP is not in the service CIDR");
        JobFailure refused = catchThrowableOfType(JobFailure.class, () -> connected.putExtension(cluster.id(), CR,
                ExtensionSettings.of("10.0.0.50", "ConnectedRegistryName=x;SyncTokenPassword=s3cr3t")));

        assertThat(throttled.problem().type()).isEqualTo(JobProblem.BASE + "azure-throttled");
        assertThat(throttled.retryAfter()).contains(Duration.ofSeconds(45));
        assertThat(refused.problem().type()).isEqualTo(JobProblem.BASE + "azure-request-failed");
        assertThat(refused.problem().detail()).contains("InvalidConfigurationSettings: service.clusterIP is not in");
        for (JobFailure failure : List.of(throttled, refused)) {
            assertThat(failure.problem().toString()).doesNotContain("s3cr3t");
            assertThat(failure.getMessage()).doesNotContain("s3cr3t");
            assertThat(failure.getCause().getMessage()).doesNotContain("s3cr3t");
        }
    }

    @Test
    void anAzureErrorThatQuotesTheSyncTokenPasswordIsMaskedBeforeItBecomesAJobError() {
        emulator.failNext(1, "PUT", "/extensions/", 400, "InvalidProtectedSettings",
                "connectionString 'ConnectedRegistryName=x;SyncTokenPassword=s3cr3t' names an unknown registry");

        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> connected.putExtension(cluster.id(), CR,
                ExtensionSettings.of("10.0.0.50", "ConnectedRegistryName=x;SyncTokenPassword=s3cr3t")));

        assertThat(failure.problem().detail()).contains("InvalidProtectedSettings: connectionString '(redacted)'")
                .doesNotContain("s3cr3t");
        assertThat(failure.getMessage()).doesNotContain("s3cr3t");
        assertThat(failure.getCause()).isNull();
        assertThat(failure.problem().remoteRequestId()).isNotBlank();

        emulator.failNext(1, "PUT", "/extensions/", 400, "InvalidProtectedSettings", "cut short: SyncTokenPassword=s3c");
        JobFailure cut = catchThrowableOfType(JobFailure.class, () -> connected.putExtension(cluster.id(), CR,
                ExtensionSettings.of("10.0.0.50", "ConnectedRegistryName=x;SyncTokenPassword=s3cr3t")));
        assertThat(cut.problem().detail()).endsWith("cut short: SyncTokenPassword=(redacted))");
    }

    // ---- helpers

    private String extensionId() {
        return cluster.id() + "/providers/Microsoft.KubernetesConfiguration/extensions/" + CR;
    }

    private ConnectedRegistrySettings settings(Duration syncWindow) {
        return new ConnectedRegistrySettings(CR, ConnectedRegistryMode.READ_ONLY, registry.id() + "/tokens/" + CR,
                null, syncWindow, null, null, null, null);
    }

    private void syncToken() {
        connected.putSyncScopeMap(registry.id(), CR, ConnectedRegistryMode.READ_ONLY, List.of("hello-world"));
        tokens.putToken(registry.id(), ConnectedRegistries.syncTokenName(CR), ConnectedRegistries.syncScopeMapName(CR));
    }

    /** What the binding job will do before deploying the extension: returns the connection string. */
    private String provisionConnectedRegistry() {
        syncToken();
        connected.put(registry.id(), settings(null));
        GeneratedPassword password = tokens.generatePassword(registry.id(), CR, PasswordSlot.PASSWORD1, null);
        String gateway = connected.read(registry.id(), CR).orElseThrow().gatewayEndpoint();
        return ConnectedRegistries.connectionString(CR, ConnectedRegistries.syncTokenName(CR), password.value(),
                gateway);
    }

    private static String password(String connectionString) {
        return connectionString.replaceAll(".*SyncTokenPassword=([^;]*);.*", "$1");
    }

    private static JsonNode body(RecordedRequest request) {
        return JSON.readTree(request.body());
    }
}
