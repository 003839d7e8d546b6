package io.pullbridge.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullbridge.common.AzureRole;
import io.pullbridge.common.RoleAssignments;
import io.pullbridge.registries.RegistryTokenStore;
import io.pullbridge.registries.RegistryTokenStore.GeneratedPassword;
import io.pullbridge.registries.RegistryTokenStore.PasswordSlot;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedRegistry;
import io.pullbridge.support.azure.GraphServicePrincipal;
import io.pullbridge.support.azure.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * What the application logs while it calls Azure with request bodies (a token request, PUTs and a POST): nothing
 * from the SDK's HTTP client, and no secret.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class AzureCallLogsIntegrationTests {

    private static final String SUBSCRIPTION = "45454545-4545-4545-4545-454545454545";

    @Autowired
    private RegistryTokenStore tokens;
    @Autowired
    private RoleAssignments roleAssignments;

    @Test
    void callsWithABodyLogNoRestrictedHeaderWarning(CapturedOutput output) {
        AzureEmulator azure = TestPlatform.resetAzure();
        EmulatedRegistry registry = azure.addRegistry(SUBSCRIPTION, "rg1", "quietregistry");
        GraphServicePrincipal principal = azure.addServicePrincipal("quiet");

        roleAssignments.assign(registry.id(), UUID.fromString(principal.id()),
                RoleAssignments.PrincipalType.ServicePrincipal, AzureRole.ACR_PULL);
        tokens.putScopeMap(registry.id(), "quiet-scope", Map.of("app", List.of("content/read")));
        tokens.putToken(registry.id(), "quiet-token", "quiet-scope");
        GeneratedPassword password = tokens.generatePassword(registry.id(), "quiet-token", PasswordSlot.PASSWORD1,
                Instant.now().plus(Duration.ofDays(30)));

        assertThat(azure.requests()).extracting(RecordedRequest::line).asString()
                .contains("PUT ", "POST ", "generateCredentials");
        assertThat(output.getAll())
                .doesNotContain("restricted by 'java.net.http.HttpClient'")
                .doesNotContain("allowRestrictedHeaders")
                .doesNotContain(password.value())
                .doesNotContain(TestPlatform.AZURE_CLIENT_SECRET);
    }
}
