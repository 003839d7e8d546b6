package io.pullbridge.azure;

import io.pullbridge.common.AzureProperties;
import io.pullbridge.common.AzureProperties.CredentialKind;
import io.pullbridge.common.AzureProperties.Endpoints;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedRegistry;
import io.pullbridge.support.azure.IssuedToken;
import io.pullbridge.support.azure.RecordedRequest;
import io.pullbridge.support.azure.RecordedRequest.Surface;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.pullbridge.azure.AzureTestSupport.CLIENT_ID;
import static io.pullbridge.azure.AzureTestSupport.CLIENT_SECRET;
import static io.pullbridge.azure.AzureTestSupport.SUBSCRIPTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Which cloud the adapter talks to, and as whom. */
class AzureCloudAndCredentialTests {

    private static final UUID TENANT = UUID.fromString(AzureEmulator.DEFAULT_TENANT_ID);

    @AutoClose
    private static final AzureEmulator emulator = AzureEmulator.start();

    private EmulatedRegistry registry;

    @BeforeEach
    void seed() {
        emulator.reset();
        emulator.registerPullBridge(CLIENT_ID, CLIENT_SECRET);
        registry = emulator.addRegistry(SUBSCRIPTION, "rg1", "myregistry");
    }

    // ---- clouds

    @Test
    void namedCloudsResolveToTheirOwnEndpoints() {
        assertThat(cloud("AzureCloud")).extracting(AzureCloud::resourceManager, AzureCloud::graph,
                        AzureCloud::authorityHost, AzureCloud::custom)
                .containsExactly("https://management.azure.com/", "https://graph.microsoft.com/",
                        "https://login.microsoftonline.com/", false);
        assertThat(cloud("AzureChinaCloud")).extracting(AzureCloud::resourceManager, AzureCloud::graph,
                        AzureCloud::authorityHost)
                .containsExactly("https://management.chinacloudapi.cn/", "https://microsoftgraph.chinacloudapi.cn/",
                        "https://login.chinacloudapi.cn/");
        assertThat(cloud("AzureUSGovernment")).extracting(AzureCloud::resourceManager, AzureCloud::graph,
                        AzureCloud::authorityHost)
                .containsExactly("https://management.usgovcloudapi.net/", "https://graph.microsoft.us/",
                        "https://login.microsoftonline.us/");
        // The SDK's environment carries them too: ARM calls and token audiences follow it.
        AzureCloud china = cloud("azurechinacloud");
        assertThat(china.environment().getResourceManagerEndpoint()).isEqualTo("https://management.chinacloudapi.cn/");
        assertThat(china.environment().getMicrosoftGraphEndpoint())
                .isEqualTo("https://microsoftgraph.chinacloudapi.cn/");
    }

    @Test
    void aCustomCloudUsesTheConfiguredUrlsAndNeedsAllThree() {
        AzureCloud custom = AzureCloud.of(new AzureProperties("custom", TENANT, new Endpoints(
                "https://arm.example.test", "https://graph.example.test/", "https://login.example.test/", null)));

        assertThat(custom).extracting(AzureCloud::resourceManager, AzureCloud::graph, AzureCloud::authorityHost,
                        AzureCloud::custom)
                .containsExactly("https://arm.example.test/", "https://graph.example.test/",
                        "https://login.example.test/", true);
        assertThat(custom.environment().getResourceManagerEndpoint()).isEqualTo("https://arm.example.test/");
        assertThat(custom.environment().getManagementEndpoint()).isEqualTo("https://arm.example.test/");
        assertThat(custom.environment().getMicrosoftGraphEndpoint()).isEqualTo("https://graph.example.test/");
        assertThat(custom.environment().getActiveDirectoryEndpoint()).isEqualTo("https://login.example.test/");
        assertThatIllegalStateException().isThrownBy(() -> AzureCloud.of(new AzureProperties("custom", TENANT,
                        new Endpoints("https://arm.example.test", null, "https://login.example.test/", null))))
                .withMessage("pullbridge.azure.endpoints.graph is required with pullbridge.azure.cloud=custom");
        assertThatIllegalStateException().isThrownBy(() -> AzureCloud.of(new AzureProperties("custom", TENANT,
                        new Endpoints("http://arm.example.test", "https://g/", "https://l/", null))))
                .withMessage("pullbridge.azure.endpoints.resource-manager must be an https URL");
        assertThatIllegalStateException().isThrownBy(() -> cloud("AzureGermanCloud"))
                .withMessageContaining("must be AzureCloud, AzureChinaCloud, AzureUSGovernment or custom");
    }

    @Test
    void aCustomCloudSendsTokenRequestsArmAndGraphCallsToTheConfiguredEndpoints() {
        AzureClients clients = AzureTestSupport.clients(emulator);

        new AzureRegistryDirectory(clients).read(registry.id());
        new AzureEntraDirectory(clients).findByObjectId(UUID.randomUUID());

        assertThat(emulator.requests()).extracting(RecordedRequest::surface)
                .containsExactly(Surface.TOKEN, Surface.ARM, Surface.TOKEN, Surface.GRAPH);
        assertThat(emulator.requests(Surface.TOKEN)).allSatisfy(request ->
                assertThat(request.path()).isEqualTo("/" + emulator.tenantId() + "/oauth2/v2.0/token"));
        assertThat(emulator.issuedTokens()).extracting(IssuedToken::scope)
                .allSatisfy(scope -> assertThat(scope).contains(emulator.armEndpoint()));
        assertThat(emulator.requests()).allSatisfy(request ->
                assertThat(request.clientId()).isEqualTo(CLIENT_ID));
    }

    // ---- credentials

    @Test
    void buildingTheClientsAndAdaptersCallsNothing() {
        AzureClients clients = AzureTestSupport.clients(emulator);
        new AzureRoleAssignments(clients);
        new AzureRegistryDirectory(clients);
        new AzureRegistryTokenStore(clients);
        new AzureEntraDirectory(clients);
        new AzureManagedClusterDirectory(clients);
        new AzureClients(new AzureProperties("AzureCloud", null, null), Map.<String, String>of()::get);

        assertThat(emulator.requests()).isEmpty();
    }

    @Test
    void aWrongClientSecretIsAPermanentAuthenticationFailureThatShowsNoSecret() {
        AzureClients clients = AzureTestSupport.clients(emulator, "not-the-secret");

        JobFailure failure = catchThrowableOfType(JobFailure.class,
                () -> new AzureRegistryDirectory(clients).read(registry.id()));

        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-authentication-failed");
        assertThat(failure.isTransient()).isFalse();
        assertThat(failure.problem().detail()).contains("AADSTS7000215").doesNotContain("not-the-secret");
        assertThat(failure.getMessage()).doesNotContain("not-the-secret");
        assertThat(emulator.requests(Surface.ARM)).isEmpty();
        // Entra's refusal is not retried: once by MSAL, never again by the ARM pipeline.
        assertThat(emulator.requests(Surface.TOKEN)).hasSize(1);
    }

    @Test
    void theClientSecretComesFromTheSdksStandardVariablesWhenNotConfigured() {
        AzureProperties properties = new AzureProperties("custom", null, new Endpoints(emulator.armEndpoint(),
                emulator.graphEndpoint(), emulator.authorityHost(), null), CredentialKind.CLIENT_SECRET, null, null,
                AzureTestSupport.FAST_RETRY, Duration.ofSeconds(10));
        Map<String, String> environment = Map.of("AZURE_CLIENT_ID", CLIENT_ID, "AZURE_CLIENT_SECRET", CLIENT_SECRET,
                "AZURE_TENANT_ID", emulator.tenantId());

        AzureClients clients = new AzureClients(properties, environment::get);

        assertThat(new AzureRegistryDirectory(clients).read(registry.id())).isPresent();
    }

    @Test
    void anIncompleteCredentialConfigurationIsRefusedAtStartNamingWhatIsMissingButNoValue() {
        Endpoints endpoints = new Endpoints(emulator.armEndpoint(), emulator.graphEndpoint(),
                emulator.authorityHost(), null);

        assertThatIllegalStateException().isThrownBy(() -> new AzureClients(new AzureProperties("custom", TENANT,
                        endpoints, CredentialKind.CLIENT_SECRET, CLIENT_ID, null, null, null),
                        Map.<String, String>of()::get))
                .withMessage("pullbridge.azure.credential=client-secret needs a client secret "
                        + "(pullbridge.azure.client-secret or AZURE_CLIENT_SECRET)");
        assertThatIllegalStateException().isThrownBy(() -> new AzureClients(new AzureProperties("custom", TENANT,
                        endpoints, CredentialKind.WORKLOAD_IDENTITY, CLIENT_ID, null, null, null),
                        Map.<String, String>of()::get))
                .withMessageContaining("AZURE_FEDERATED_TOKEN_FILE");
    }

    @Test
    void thePropertiesNeverShowTheClientSecret() {
        AzureProperties properties = AzureTestSupport.properties(emulator, CLIENT_SECRET);

        assertThat(properties.toString()).doesNotContain(CLIENT_SECRET).contains("clientSecret=<set>");
    }

    private static AzureCloud cloud(String name) {
        return AzureCloud.of(new AzureProperties(name, TENANT, null));
    }
}
