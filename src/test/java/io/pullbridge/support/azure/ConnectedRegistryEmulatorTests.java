package io.pullbridge.support.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.core.util.Context;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.resourcemanager.AzureResourceManager;
import com.azure.resourcemanager.containerregistry.fluent.ConnectedRegistriesClient;
import com.azure.resourcemanager.containerregistry.fluent.ContainerRegistryManagementClient;
import com.azure.resourcemanager.containerregistry.fluent.models.ConnectedRegistryInner;
import com.azure.resourcemanager.containerregistry.fluent.models.ScopeMapInner;
import com.azure.resourcemanager.containerregistry.fluent.models.TokenInner;
import com.azure.resourcemanager.containerregistry.models.ActivationStatus;
import com.azure.resourcemanager.containerregistry.models.ConnectedRegistryMode;
import com.azure.resourcemanager.containerregistry.models.ConnectionState;
import com.azure.resourcemanager.containerregistry.models.GenerateCredentialsParameters;
import com.azure.resourcemanager.containerregistry.models.ParentProperties;
import com.azure.resourcemanager.containerregistry.models.SyncProperties;
import com.azure.resourcemanager.containerregistry.models.TokenPasswordName;
import com.azure.resourcemanager.containerregistry.models.TokenStatus;
import com.azure.resourcemanager.resources.fluent.ResourcesClient;
import com.azure.resourcemanager.resources.fluent.models.GenericResourceInner;
import com.azure.resourcemanager.resources.fluentcore.utils.ResourceDelayProvider;
import com.azure.resourcemanager.resources.fluentcore.utils.ResourceManagerUtils;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The emulator's connected registries and Arc extensions, driven by the Azure SDK (the container registry client, and
 * generic resources for extensions, as PullBridge has no kubernetesconfiguration SDK).
 */
class ConnectedRegistryEmulatorTests {

    private static final String SUBSCRIPTION = "22222222-2222-2222-2222-222222222222";
    private static final String CLIENT_ID = "77777777-7777-7777-7777-777777777777";
    private static final String CLIENT_SECRET = "pullbridge-client-s3cret";
    private static final String EXTENSIONS = "2025-03-01";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static AzureEmulator emulator;
    private static HttpClient http;

    private EmulatedRegistry registry;
    private EmulatedConnectedCluster cluster;
    private AzureResourceManager azure;

    @BeforeAll
    static void startEmulator() {
        emulator = AzureEmulator.start();
        http = new JdkHttpClientBuilder().build();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @BeforeEach
    void seed() {
        emulator.reset();
        emulator.registerClient(CLIENT_ID, CLIENT_SECRET);
        registry = emulator.addRegistry(SUBSCRIPTION, "rg1", "myregistry").sku("Premium").dataEndpointEnabled(true);
        cluster = emulator.addConnectedCluster(SUBSCRIPTION, "edge", "arc1");
        azure = azure();
    }

    // ---- connected registries

    @Test
    void aConnectedRegistryIsCreatedInactiveAndOfflineAndListedReadDeactivatedAndDeleted() {
        token("edge1cr");

        ConnectedRegistryInner created = connectedRegistries().create("rg1", "myregistry", "edge1cr",
                connectedRegistry("edge1cr", "ReadWrite", Duration.ofHours(3)));
        List<ConnectedRegistryInner> listed = connectedRegistries().list("rg1", "myregistry").stream().toList();
        connectedRegistries().deactivate("rg1", "myregistry", "edge1cr");
        connectedRegistries().delete("rg1", "myregistry", "edge1cr");

        assertThat(created.id()).isEqualTo(registry.id() + "/connectedRegistries/edge1cr");
        assertThat(created.type()).isEqualTo("Microsoft.ContainerRegistry/registries/connectedRegistries");
        assertThat(created.mode()).isEqualTo(ConnectedRegistryMode.READ_WRITE);
        assertThat(created.activation().status()).isEqualTo(ActivationStatus.INACTIVE);
        assertThat(created.connectionState()).isEqualTo(ConnectionState.OFFLINE);
        assertThat(created.parent().id()).isNull();
        assertThat(created.parent().syncProperties().syncWindow()).isEqualTo(Duration.ofHours(3));
        assertThat(created.parent().syncProperties().messageTtl()).isEqualTo(Duration.ofDays(2));
        assertThat(created.parent().syncProperties().gatewayEndpoint())
                .isEqualTo("myregistry.westeurope.data.azurecr.io");
        assertThat(created.logging().logLevel().toString()).isEqualTo("Information");
        assertThat(listed).extracting(ConnectedRegistryInner::name).containsExactly("edge1cr");
        assertThat(emulator.connectedRegistries()).isEmpty();
        assertThat(emulator.requests(RecordedRequest.Surface.ARM)).extracting(r -> r.method() + " " + r.status())
                .containsExactly("PUT 201", "PUT 201", "PUT 201", "GET 200", "POST 200", "DELETE 200");
    }

    @Test
    void acrKeepsConnectedRegistriesToPremiumRegistriesWithADataEndpointAndExistingTokens() {
        token("edge1cr");
        ConnectedRegistryInner body = connectedRegistry("edge1cr", "ReadOnly", null);

        registry.sku("Standard");
        ManagementException standard = refused(() -> connectedRegistries().create("rg1", "myregistry", "edge1cr",
                body));
        registry.sku("Premium").dataEndpointEnabled(false);
        ManagementException noDataEndpoint = refused(() -> connectedRegistries().create("rg1", "myregistry",
                "edge1cr", body));
        registry.dataEndpointEnabled(true);
        ManagementException unknownToken = refused(() -> connectedRegistries().create("rg1", "myregistry",
                "edge1cr", connectedRegistry("edge1cr", "ReadOnly", null).withParent(new ParentProperties()
                        .withSyncProperties(new SyncProperties().withTokenId(registry.id() + "/tokens/nosuchtoken")
                                .withMessageTtl(Duration.ofDays(2))))));
        ManagementException shortName = refused(() -> connectedRegistries().create("rg1", "myregistry", "cr1",
                body));
        ManagementException missingRegistry = refused(() -> connectedRegistries().create("rg1", "nosuchregistry",
                "edge1cr", body));

        assertThat(standard.getValue().getCode()).isEqualTo("ConnectedRegistryNotSupported");
        assertThat(noDataEndpoint.getValue().getCode()).isEqualTo("DataEndpointNotEnabled");
        assertThat(unknownToken.getValue().getCode()).isEqualTo("TokenNotFound");
        assertThat(shortName.getValue().getCode()).isEqualTo("InvalidResourceName");
        assertThat(missingRegistry.getResponse().getStatusCode()).isEqualTo(404);
        assertThat(missingRegistry.getValue().getCode()).isEqualTo("ParentResourceNotFound");
        assertThat(emulator.connectedRegistries()).isEmpty();
    }

    @Test
    void theSyncTokenOfAConnectedRegistryCannotBeDeletedBeforeIt() {
        token("edge1cr");
        connectedRegistries().create("rg1", "myregistry", "edge1cr", connectedRegistry("edge1cr", "ReadOnly", null));

        ManagementException inUse = refused(() -> acr().getTokens().delete("rg1", "myregistry", "edge1cr"));
        connectedRegistries().delete("rg1", "myregistry", "edge1cr");
        acr().getTokens().delete("rg1", "myregistry", "edge1cr");

        assertThat(inUse.getResponse().getStatusCode()).isEqualTo(409);
        assertThat(inUse.getValue().getMessage()).contains("sync token of connected registry 'edge1cr'");
        assertThat(registry.token("edge1cr")).isNull();
    }

    @Test
    void connectedRegistriesAndExtensionsAreServedOnlyAtTheApiVersionsTheirProvidersRegistered() {
        ManagementException extension = refused(() -> resources().getById(extensionId("edge1cr"), "2019-01-01"));
        ManagementException connectedRegistry = refused(() -> resources().getById(registry.id()
                + "/connectedRegistries/edge1cr", "2019-05-01-preview"));

        assertThat(extension.getValue().getCode()).isEqualTo("NoRegisteredProviderFound");
        assertThat(extension.getValue().getMessage()).contains("'2025-03-01, 2023-05-01'");
        assertThat(connectedRegistry.getValue().getCode()).isEqualTo("NoRegisteredProviderFound");
    }

    // ---- extensions

    @Test
    void anExtensionIsCreatingForTheConfiguredReadsThenSucceedsAndNeverAnswersItsProtectedSettings() {
        emulator.extensionProvisioningReads(2);
        String connectionString = activatableConnectionString("edge1cr");

        GenericResourceInner created = putExtension("edge1cr", connectionString, "10.0.0.50");
        List<String> states = List.of(state(readExtension("edge1cr")), state(readExtension("edge1cr")));
        GenericResourceInner done = readExtension("edge1cr");
        JsonNode listed = listExtensions();

        assertThat(state(created)).isEqualTo("Creating");
        assertThat(states).containsExactly("Creating", "Creating");
        assertThat(state(done)).isEqualTo("Succeeded");
        assertThat(properties(done)).containsEntry("extensionType", "microsoft.containerregistry.connectedregistry")
                .containsEntry("currentVersion", "0.11.0")
                .containsEntry("configurationProtectedSettings", Map.of("connectionString", ""));
        assertThat(listed.get("value")).singleElement().satisfies(item -> {
            assertThat(item.get("name").asString()).isEqualTo("edge1cr");
            assertThat(item.get("properties").get("provisioningState").asString()).isEqualTo("Succeeded");
            assertThat(item.get("properties").get("configurationProtectedSettings").get("connectionString")
                    .asString()).isEmpty();
        });
        assertThat(emulator.extension(extensionId("edge1cr")).orElseThrow().protectedSettings())
                .containsEntry("connectionString", connectionString);
        EmulatedConnectedRegistry activated = emulator.connectedRegistry(registry.id()
                + "/connectedRegistries/edge1cr").orElseThrow();
        assertThat(activated.activationStatus()).isEqualTo("Active");
        assertThat(activated.connectionState()).isEqualTo("Online");
        assertThat(activated.activatedBy()).isEqualToIgnoringCase(extensionId("edge1cr"));
        ConnectedRegistryInner read = connectedRegistries().get("rg1", "myregistry", "edge1cr");
        assertThat(read.loginServer().host()).isEqualTo("10.0.0.50");
        assertThat(read.parent().syncProperties().lastSyncTime()).isNotNull();
        assertThat(read.version()).isEqualTo("0.11.0");
    }

    @Test
    void theSdksOwnPollerFollowsAzureAsyncOperationToTheEndOfAnInstallAndADeletion() {
        emulator.extensionProvisioningReads(1);
        ResourceManagerUtils.InternalRuntimeContext.setDelayProvider(delay -> Duration.ofMillis(1));
        try {
            GenericResourceInner installed = resources().createOrUpdateById(extensionId("edge1cr"), EXTENSIONS,
                    extension(activatableConnectionString("edge1cr"), "10.0.0.50"));
            emulator.clearRequests();
            resources().deleteById(extensionId("edge1cr"), EXTENSIONS);

            assertThat(state(installed)).isEqualTo("Succeeded");
            assertThat(emulator.extension(extensionId("edge1cr"))).isEmpty();
            assertThat(emulator.requests(RecordedRequest.Surface.ARM)).extracting(r -> r.method() + " "
                            + r.path().substring(r.path().lastIndexOf("/extensions/")).replaceAll("/operations/.*",
                            "/operations/{id}") + " " + r.status())
                    .containsExactly(
                            "DELETE /extensions/edge1cr 202",
                            "GET /extensions/edge1cr/operations/{id} 200",
                            "GET /extensions/edge1cr/operations/{id} 200");
        } finally {
            ResourceManagerUtils.InternalRuntimeContext.setDelayProvider(new ResourceDelayProvider());
        }
    }

    @Test
    void anExtensionWaitsForItsClusterToConnect() {
        emulator.extensionProvisioningReads(0);
        cluster.connectivityStatus("Offline");
        putExtension("edge1cr", activatableConnectionString("edge1cr"), "10.0.0.50");

        List<String> offline = List.of(state(readExtension("edge1cr")), state(readExtension("edge1cr")));
        cluster.connectivityStatus("Connected");

        assertThat(offline).containsExactly("Creating", "Creating");
        assertThat(state(readExtension("edge1cr"))).isEqualTo("Succeeded");
    }

    @Test
    void aConnectionStringWithAWrongPasswordNeverFinishesInstallingUntilItIsCorrected() {
        emulator.extensionProvisioningReads(0);
        String good = activatableConnectionString("edge1cr");
        String wrong = good.replaceAll("SyncTokenPassword=[^;]*", "SyncTokenPassword=wrong");

        putExtension("edge1cr", wrong, "10.0.0.50");
        List<String> states = List.of(state(readExtension("edge1cr")), state(readExtension("edge1cr")));
        String offline = emulator.connectedRegistry(registry.id() + "/connectedRegistries/edge1cr").orElseThrow()
                .connectionState();
        GenericResourceInner updated = putExtension("edge1cr", good, "10.0.0.50");

        assertThat(states).containsExactly("Creating", "Creating");
        assertThat(offline).isEqualTo("Offline");
        assertThat(state(updated)).isEqualTo("Updating");
        assertThat(state(readExtension("edge1cr"))).isEqualTo("Succeeded");
        assertThat(emulator.connectedRegistry(registry.id() + "/connectedRegistries/edge1cr").orElseThrow()
                .connectionState()).isEqualTo("Online");
    }

    @Test
    void aSecondInstanceCannotActivateAConnectedRegistryUntilItIsDeactivated() {
        emulator.extensionProvisioningReads(0);
        EmulatedConnectedCluster other = emulator.addConnectedCluster(SUBSCRIPTION, "edge", "arc2");
        String connectionString = activatableConnectionString("edge1cr");
        putExtension("edge1cr", connectionString, "10.0.0.50");
        readExtension("edge1cr");

        putExtension(other, "edge1cr", connectionString, "10.1.0.50");
        resources().getById(other.id() + "/providers/Microsoft.KubernetesConfiguration/extensions/edge1cr",
                EXTENSIONS);
        ConnectedRegistryInner refused = connectedRegistries().get("rg1", "myregistry", "edge1cr");

        assertThat(refused.connectionState()).isEqualTo(ConnectionState.OFFLINE);
        assertThat(refused.statusDetails()).extracting(d -> d.code()).containsExactly("ALREADY_ACTIVATED");
        assertThat(refused.loginServer().host()).isEqualTo("10.0.0.50");

        connectedRegistries().deactivate("rg1", "myregistry", "edge1cr");
        putExtension(other, "edge1cr", connectionString, "10.1.0.50");
        resources().getById(other.id() + "/providers/Microsoft.KubernetesConfiguration/extensions/edge1cr",
                EXTENSIONS);
        ConnectedRegistryInner moved = connectedRegistries().get("rg1", "myregistry", "edge1cr");

        assertThat(moved.connectionState()).isEqualTo(ConnectionState.ONLINE);
        assertThat(moved.loginServer().host()).isEqualTo("10.1.0.50");
        assertThat(moved.statusDetails()).isEmpty();
    }

    @Test
    void anExtensionBeingDeletedRefusesAnotherPutAndItsParentMustExist() {
        emulator.extensionProvisioningReads(3);
        putExtension("edge1cr", "ConnectedRegistryName=edge1cr", "10.0.0.50");
        resources().deleteByIdWithResponseAsync(extensionId("edge1cr"), EXTENSIONS).block();

        ManagementException busy = refused(() -> putExtension("edge1cr", "ConnectedRegistryName=edge1cr",
                "10.0.0.50"));
        ManagementException noCluster = refused(() -> resources().createOrUpdateById("/subscriptions/" + SUBSCRIPTION
                + "/resourceGroups/edge/providers/Microsoft.Kubernetes/connectedClusters/nosuchcluster/providers/"
                + "Microsoft.KubernetesConfiguration/extensions/edge1cr", EXTENSIONS,
                extension("ConnectedRegistryName=edge1cr", "10.0.0.50")));

        assertThat(busy.getResponse().getStatusCode()).isEqualTo(409);
        assertThat(busy.getValue().getCode()).isEqualTo("AnotherOperationInProgress");
        assertThat(state(readExtension("edge1cr"))).isEqualTo("Deleting");
        assertThat(noCluster.getResponse().getStatusCode()).isEqualTo(404);
        assertThat(noCluster.getValue().getCode()).isEqualTo("ParentResourceNotFound");
    }

    @Test
    void aCallerWithoutExtensionWriteRightsIsDenied() {
        emulator.denyAction(CLIENT_ID, "Microsoft.KubernetesConfiguration/extensions/write", cluster.id());

        ManagementException denied = refused(() -> putExtension("edge1cr", "ConnectedRegistryName=edge1cr",
                "10.0.0.50"));

        assertThat(denied.getResponse().getStatusCode()).isEqualTo(403);
        assertThat(denied.getValue().getMessage()).contains("'Microsoft.KubernetesConfiguration/extensions/write'");
        assertThat(emulator.extension(extensionId("edge1cr"))).isEmpty();
    }

    // ---- helpers

    private void token(String name) {
        acr().getScopeMaps().create("rg1", "myregistry", name, new ScopeMapInner().withActions(List.of(
                "repositories/hello-world/content/read", "repositories/hello-world/metadata/read",
                "gateway/" + name + "/config/read", "gateway/" + name + "/config/write",
                "gateway/" + name + "/message/read", "gateway/" + name + "/message/write")));
        acr().getTokens().create("rg1", "myregistry", name, new TokenInner()
                .withScopeMapId(registry.id() + "/scopeMaps/" + name).withStatus(TokenStatus.ENABLED));
    }

    private String activatableConnectionString(String name) {
        token(name);
        connectedRegistries().create("rg1", "myregistry", name, connectedRegistry(name, "ReadOnly", null));
        String password = acr().getRegistries().generateCredentials("rg1", "myregistry",
                        new GenerateCredentialsParameters().withTokenId(registry.id() + "/tokens/" + name)
                                .withName(TokenPasswordName.PASSWORD1))
                .passwords().get(0).value();
        return "ConnectedRegistryName=" + name + ";SyncTokenName=" + name + ";SyncTokenPassword=" + password
                + ";ParentGatewayEndpoint=myregistry.westeurope.data.azurecr.io;ParentEndpointProtocol=https";
    }

    private ConnectedRegistryInner connectedRegistry(String name, String mode, Duration syncWindow) {
        return new ConnectedRegistryInner().withMode(ConnectedRegistryMode.fromString(mode))
                .withParent(new ParentProperties().withSyncProperties(new SyncProperties()
                        .withTokenId(registry.id() + "/tokens/" + name).withSchedule("* * * * *")
                        .withSyncWindow(syncWindow).withMessageTtl(Duration.ofDays(2))));
    }

    private static GenericResourceInner extension(String connectionString, String clusterIP) {
        return new GenericResourceInner().withProperties(Map.of(
                "extensionType", "Microsoft.ContainerRegistry.ConnectedRegistry",
                "autoUpgradeMinorVersion", true,
                "configurationSettings", Map.of("service.clusterIP", clusterIP),
                "configurationProtectedSettings", Map.of("connectionString", connectionString)));
    }

    private GenericResourceInner putExtension(String name, String connectionString, String clusterIP) {
        return putExtension(cluster, name, connectionString, clusterIP);
    }

    private GenericResourceInner putExtension(EmulatedConnectedCluster on, String name, String connectionString,
                                              String clusterIP) {
        // The first response only, as PullBridge sends it: the SDK's poller would follow Azure-AsyncOperation.
        var response = resources().createOrUpdateByIdWithResponseAsync(on.id()
                + "/providers/Microsoft.KubernetesConfiguration/extensions/" + name, EXTENSIONS,
                extension(connectionString, clusterIP)).block();
        byte[] body = com.azure.core.util.FluxUtil.collectBytesInByteBufferStream(response.getValue()).block();
        try (var reader = com.azure.json.JsonProviders.createReader(body)) {
            return GenericResourceInner.fromJson(reader);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private GenericResourceInner readExtension(String name) {
        return resources().getByIdWithResponse(extensionId(name), EXTENSIONS, Context.NONE).getValue();
    }

    /** The generic resources client has no list of child resources: GET it through the SDK's pipeline. */
    private JsonNode listExtensions() {
        HttpRequest request = new HttpRequest(HttpMethod.GET, emulator.armEndpoint() + cluster.id().substring(1)
                + "/providers/Microsoft.KubernetesConfiguration/extensions?api-version=" + EXTENSIONS);
        try (HttpResponse response = azure.genericResources().manager().httpPipeline().sendSync(request,
                Context.NONE)) {
            assertThat(response.getStatusCode()).isEqualTo(200);
            return JSON.readTree(response.getBodyAsBinaryData().toString());
        }
    }

    private String extensionId(String name) {
        return cluster.id() + "/providers/Microsoft.KubernetesConfiguration/extensions/" + name;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(GenericResourceInner resource) {
        return (Map<String, Object>) resource.properties();
    }

    private static String state(GenericResourceInner resource) {
        return String.valueOf(properties(resource).get("provisioningState"));
    }

    private static ManagementException refused(ThrowingCallable call) {
        return catchThrowableOfType(ManagementException.class, call);
    }

    private ConnectedRegistriesClient connectedRegistries() {
        return acr().getConnectedRegistries();
    }

    private ContainerRegistryManagementClient acr() {
        return azure.containerRegistries().manager().serviceClient();
    }

    private ResourcesClient resources() {
        return azure.genericResources().manager().serviceClient().getResources();
    }

    private static AzureResourceManager azure() {
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", emulator.armEndpoint());
        endpoints.put("managementEndpointUrl", emulator.armEndpoint());
        endpoints.put("activeDirectoryEndpointUrl", emulator.authorityHost());
        endpoints.put("microsoftGraphResourceId", emulator.graphEndpoint());
        AzureProfile profile = new AzureProfile(emulator.tenantId(), SUBSCRIPTION, new AzureEnvironment(endpoints));
        return AzureResourceManager.configure().withHttpClient(http).authenticate(new ClientSecretCredentialBuilder()
                        .tenantId(emulator.tenantId()).clientId(CLIENT_ID).clientSecret(CLIENT_SECRET)
                        .authorityHost(emulator.authorityHost()).disableInstanceDiscovery().httpClient(http).build(),
                profile).withSubscription(SUBSCRIPTION);
    }
}
