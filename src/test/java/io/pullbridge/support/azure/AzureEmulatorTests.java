package io.pullbridge.support.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.core.util.Context;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.resourcemanager.AzureResourceManager;
import com.azure.resourcemanager.authorization.fluent.RoleAssignmentsClient;
import com.azure.resourcemanager.authorization.fluent.models.RoleAssignmentInner;
import com.azure.resourcemanager.authorization.models.BuiltInRole;
import com.azure.resourcemanager.authorization.models.PrincipalType;
import com.azure.resourcemanager.authorization.models.RoleAssignmentCreateParameters;
import com.azure.resourcemanager.authorization.models.RoleDefinition;
import com.azure.resourcemanager.authorization.models.ServicePrincipal;
import com.azure.resourcemanager.containerregistry.fluent.ContainerRegistryManagementClient;
import com.azure.resourcemanager.containerregistry.fluent.models.GenerateCredentialsResultInner;
import com.azure.resourcemanager.containerregistry.fluent.models.ScopeMapInner;
import com.azure.resourcemanager.containerregistry.fluent.models.TokenInner;
import com.azure.resourcemanager.containerregistry.models.GenerateCredentialsParameters;
import com.azure.resourcemanager.containerregistry.models.Registry;
import com.azure.resourcemanager.containerregistry.models.RoleAssignmentMode;
import com.azure.resourcemanager.containerregistry.models.TokenPasswordName;
import com.azure.resourcemanager.containerregistry.models.TokenStatus;
import com.azure.resourcemanager.containerservice.models.KubernetesCluster;
import com.azure.resourcemanager.containerservice.models.UserAssignedIdentity;
import com.azure.resourcemanager.resources.fluentcore.utils.ResourceDelayProvider;
import com.azure.resourcemanager.resources.fluentcore.utils.ResourceManagerUtils;
import com.azure.resourcemanager.resources.models.GenericResource;
import io.pullbridge.support.MovableClock;
import io.pullbridge.support.azure.RecordedRequest.Surface;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The Azure emulator driven by the real Azure SDK, exactly as the azure adapter will drive Azure: a client-secret
 * credential against the emulator's authority host, a custom {@link AzureEnvironment} with its ARM and Graph URLs, the
 * JDK HTTP client, and TLS trusted through the standard JVM trust store.
 */
class AzureEmulatorTests {

    private static final String SUBSCRIPTION = "22222222-2222-2222-2222-222222222222";
    private static final String OTHER_SUBSCRIPTION = "99999999-9999-9999-9999-999999999999";
    private static final String CLIENT_ID = "77777777-7777-7777-7777-777777777777";
    private static final String CLIENT_SECRET = "pullbridge-client-s3cret";
    private static final String ACR_PULL_ID = "/subscriptions/" + SUBSCRIPTION
            + "/providers/Microsoft.Authorization/roleDefinitions/" + BuiltInRoles.ACR_PULL;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final java.net.http.HttpClient RAW = java.net.http.HttpClient.newHttpClient();

    private static AzureEmulator emulator;
    private static HttpClient http;

    private EmulatedRegistry registry;

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
        registry = emulator.addRegistry(SUBSCRIPTION, "rg1", "myregistry");
    }

    // ---- registries

    @Test
    void readsARegistryByIdAndListsRegistriesBySubscriptionAndResourceGroup() {
        registry.sku("Premium").location("northeurope").abacEnabled(true);
        emulator.addRegistry(SUBSCRIPTION, "rg1", "second");
        emulator.addRegistry(SUBSCRIPTION, "rg2", "third");
        AzureResourceManager azure = azure();

        Registry read = azure.containerRegistries().getById(registry.id());

        assertThat(read.id()).isEqualTo(registry.id());
        assertThat(read.loginServerUrl()).isEqualTo("myregistry.azurecr.io");
        assertThat(read.sku().name().toString()).isEqualTo("Premium");
        assertThat(read.regionName()).isEqualTo("northeurope");
        assertThat(read.innerModel().roleAssignmentMode()).isEqualTo(RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS);
        assertThat(azure.containerRegistries().list().stream().map(Registry::name))
                .containsExactly("myregistry", "second", "third");
        assertThat(azure.containerRegistries().listByResourceGroup("rg1").stream().map(Registry::name))
                .containsExactly("myregistry", "second");
        assertThat(emulator.callLines()).containsExactly(
                "GET " + registry.id() + "?api-version=2025-11-01",
                "GET /subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.ContainerRegistry/registries"
                        + "?api-version=2025-11-01",
                "GET /subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg1/providers/Microsoft.ContainerRegistry"
                        + "/registries?api-version=2025-11-01");
    }

    @Test
    void aRegistryThatDoesNotExistOrSitsInAnUnknownSubscriptionIsA404InArmsErrorShape() {
        String missing = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg1/providers/"
                + "Microsoft.ContainerRegistry/registries/nosuchregistry";
        String elsewhere = "/subscriptions/" + OTHER_SUBSCRIPTION + "/resourceGroups/rg1/providers/"
                + "Microsoft.ContainerRegistry/registries/myregistry";

        ManagementException notFound = catchThrowableOfType(ManagementException.class,
                () -> azure().containerRegistries().getById(missing));
        ManagementException otherSubscription = catchThrowableOfType(ManagementException.class,
                () -> azure(OTHER_SUBSCRIPTION).containerRegistries().getById(elsewhere));

        assertThat(notFound.getResponse().getStatusCode()).isEqualTo(404);
        assertThat(notFound.getValue().getCode()).isEqualTo("ResourceNotFound");
        assertThat(notFound.getValue().getMessage()).contains("Microsoft.ContainerRegistry/registries/nosuchregistry");
        assertThat(notFound.getResponse().getHeaderValue("x-ms-request-id")).isNotBlank();
        assertThat(otherSubscription.getResponse().getStatusCode()).isEqualTo(404);
        assertThat(otherSubscription.getValue().getCode()).isEqualTo("SubscriptionNotFound");
    }

    @Test
    void theSdksGetByIdReadsFromTheClientsSubscriptionWhateverSubscriptionTheIdNames() {
        String elsewhere = "/subscriptions/" + OTHER_SUBSCRIPTION + "/resourceGroups/rg1/providers/"
                + "Microsoft.ContainerRegistry/registries/myregistry";

        Registry read = azure().containerRegistries().getById(elsewhere);

        // A trap for the adapter: the registry answered is the one in the client's own subscription.
        assertThat(read.id()).isEqualTo(registry.id());
        assertThat(emulator.callLines()).containsExactly("GET " + registry.id() + "?api-version=2025-11-01");
    }

    // ---- the rules every ARM and Graph call meets

    @Test
    void armRefusesACallWithoutApiVersionAndArmAndGraphRefuseACallWithoutAnIssuedToken() throws Exception {
        String token = accessToken();

        HttpResponse<String> noApiVersion = raw("GET", registry.id(), token, null);
        HttpResponse<String> noToken = raw("GET", registry.id() + "?api-version=2025-11-01", null, null);
        HttpResponse<String> forgedToken = raw("GET", registry.id() + "?api-version=2025-11-01", "forged", null);
        HttpResponse<String> graphNoToken = raw("GET", "/v1.0/applications", null, null);
        HttpResponse<String> ok = raw("GET", registry.id() + "?api-version=2025-11-01", token, null);

        assertThat(noApiVersion.statusCode()).isEqualTo(400);
        assertThat(json(noApiVersion).at("/error/code").asString()).isEqualTo("MissingApiVersionParameter");
        assertThat(noApiVersion.headers().firstValue("x-ms-request-id")).isPresent();
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(json(noToken).at("/error/code").asString()).isEqualTo("AuthenticationFailed");
        assertThat(forgedToken.statusCode()).isEqualTo(401);
        assertThat(json(forgedToken).at("/error/code").asString()).isEqualTo("InvalidAuthenticationToken");
        assertThat(graphNoToken.statusCode()).isEqualTo(401);
        assertThat(json(graphNoToken).at("/error/code").asString()).isEqualTo("InvalidAuthenticationToken");
        assertThat(graphNoToken.headers().firstValue("request-id")).isPresent();
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).at("/properties/loginServer").asString()).isEqualTo("myregistry.azurecr.io");
    }

    @Test
    void aWrongClientSecretFailsAuthenticationAsEntraDoes() throws Exception {
        TokenCredential wrong = new ClientSecretCredentialBuilder().tenantId(emulator.tenantId()).clientId(CLIENT_ID)
                .clientSecret("not-the-secret").authorityHost(emulator.authorityHost()).disableInstanceDiscovery()
                .httpClient(http).build();
        AzureResourceManager noRetries = azure(wrong, new RetryOptions(new FixedDelayOptions(0, Duration.ZERO)),
                SUBSCRIPTION);

        // The SDK surfaces MSAL's own exception; with its default retry options it would ask three more times.
        assertThatThrownBy(() -> noRetries.containerRegistries().getById(registry.id()))
                .hasMessageContaining("AADSTS7000215: Invalid client secret provided.");
        HttpResponse<String> direct = raw("POST", "/" + emulator.tenantId() + "/oauth2/v2.0/token", null,
                "grant_type=client_credentials&client_id=" + CLIENT_ID + "&client_secret=nope&scope="
                        + encode(emulator.armEndpoint() + ".default"));

        assertThat(direct.statusCode()).isEqualTo(401);
        assertThat(json(direct).at("/error").asString()).isEqualTo("invalid_client");
        assertThat(json(direct).at("/error_codes/0").asInt()).isEqualTo(7000215);
        assertThat(emulator.requests(Surface.ARM)).isEmpty();
        assertThat(emulator.requests(Surface.TOKEN)).hasSize(2).allSatisfy(request -> {
            assertThat(request.status()).isEqualTo(401);
            assertThat(request.body()).contains("client_secret=<redacted>").doesNotContain("not-the-secret");
        });
    }

    @Test
    void answersTheDiscoveryDocumentsMsalMayAskForWithTheEmulatorsOwnEndpoints() throws Exception {
        HttpResponse<String> openid = raw("GET", "/" + emulator.tenantId() + "/v2.0/.well-known/openid-configuration",
                null, null);
        HttpResponse<String> instance = raw("GET", "/common/discovery/instance?api-version=1.1&authorization_endpoint="
                + encode(emulator.authorityHost() + emulator.tenantId() + "/oauth2/v2.0/authorize"), null, null);

        assertThat(json(openid).at("/token_endpoint").asString())
                .isEqualTo(emulator.authorityHost() + emulator.tenantId() + "/oauth2/v2.0/token");
        assertThat(json(openid).at("/issuer").asString())
                .isEqualTo(emulator.authorityHost() + emulator.tenantId() + "/v2.0");
        assertThat(json(instance).at("/tenant_discovery_endpoint").asString())
                .isEqualTo(emulator.authorityHost() + emulator.tenantId() + "/v2.0/.well-known/openid-configuration");
        assertThat(json(instance).at("/metadata/0/aliases/0").asString())
                .isEqualTo(URI.create(emulator.authorityHost()).getAuthority());
    }

    // ---- role definitions and assignments

    @Test
    void assignsABuiltInRoleUnderADeterministicNameAndRefusesASecondAssignmentOfTheSameRole() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("team-a-pull");
        AzureResourceManager azure = azure();
        RoleAssignmentsClient assignments = roleAssignments(azure);
        String scope = registry.id();
        String name = UUID.nameUUIDFromBytes((scope + "|" + principal.id() + "|" + BuiltInRoles.ACR_PULL)
                .getBytes(StandardCharsets.UTF_8)).toString();

        RoleDefinition acrPull = azure.accessManagement().roleDefinitions().getByScopeAndRoleName(scope, "AcrPull");
        RoleAssignmentCreateParameters parameters = new RoleAssignmentCreateParameters()
                .withRoleDefinitionId(acrPull.id()).withPrincipalId(principal.id())
                .withPrincipalType(PrincipalType.SERVICE_PRINCIPAL);
        RoleAssignmentInner created = assignments.create(scope, name, parameters);
        RoleAssignmentInner retried = assignments.create(scope, name, parameters);
        ManagementException duplicate = catchThrowableOfType(ManagementException.class,
                () -> assignments.create(scope, UUID.randomUUID().toString(), parameters));

        assertThat(acrPull.id()).isEqualTo(ACR_PULL_ID);
        assertThat(acrPull.roleName()).isEqualTo("AcrPull");
        assertThat(created.id()).isEqualTo(scope + "/providers/Microsoft.Authorization/roleAssignments/" + name);
        assertThat(created.principalType()).isEqualTo(PrincipalType.SERVICE_PRINCIPAL);
        assertThat(created.scope()).isEqualTo(scope);
        assertThat(retried.id()).isEqualTo(created.id());
        assertThat(duplicate.getResponse().getStatusCode()).isEqualTo(409);
        assertThat(duplicate.getValue().getCode()).isEqualTo("RoleAssignmentExists");
        assertThat(duplicate.getValue().getMessage())
                .isEqualTo("The role assignment already exists. The ID of the existing role assignment is "
                        + name.replace("-", "") + ".");
        assertThat(emulator.roleAssignmentsOf(principal.id())).singleElement()
                .satisfies(assignment -> assertThat(assignment.principalTypeSent()).isTrue());
        List<String> calls = emulator.requests(Surface.ARM).stream().map(RecordedRequest::rawPath).toList();
        assertThat(calls).allSatisfy(rawPath -> assertThat(rawPath).startsWith("//subscriptions/"));
        assertThat(emulator.requests(Surface.ARM).get(1).body()).contains("\"principalType\":\"ServicePrincipal\"");
    }

    @Test
    void listsRoleAssignmentsForAScopeFilteredByPrincipalAndDeletesThemById() {
        GraphServicePrincipal first = emulator.addServicePrincipal("first");
        GraphServicePrincipal second = emulator.addServicePrincipal("second");
        RoleAssignment atRegistry = emulator.addRoleAssignment(registry.id(), UUID.randomUUID().toString(),
                BuiltInRoles.ACR_PULL, first.id(), "ServicePrincipal");
        emulator.addRoleAssignment(registry.id(), UUID.randomUUID().toString(), BuiltInRoles.ACR_PUSH, second.id(),
                "ServicePrincipal");
        RoleAssignment atSubscription = emulator.addRoleAssignment("/subscriptions/" + SUBSCRIPTION,
                UUID.randomUUID().toString(), BuiltInRoles.READER, first.id(), "ServicePrincipal");
        AzureResourceManager azure = azure();
        RoleAssignmentsClient assignments = roleAssignments(azure);

        // The SDK sends $filter as given (its parameter is marked encoded): the caller must encode it.
        List<String> forFirst = assignments.listForScope(registry.id(), encode("principalId eq '" + first.id() + "'"),
                null, null, Context.NONE).stream().map(RoleAssignmentInner::id).toList();
        List<String> all = azure.accessManagement().roleAssignments().listByScope(registry.id()).stream()
                .map(a -> a.id()).toList();
        azure.accessManagement().roleAssignments().deleteById(atRegistry.id());

        // ARM lists the assignments that apply at the scope: those made there and those inherited from above.
        assertThat(forFirst).containsExactlyInAnyOrder(atRegistry.id(), atSubscription.id());
        assertThat(all).hasSize(3);
        assertThat(emulator.roleAssignmentsOf(first.id())).extracting(RoleAssignment::id)
                .containsExactly(atSubscription.id());
        assertThat(emulator.requests(Surface.ARM)).extracting(RecordedRequest::query).containsExactly(
                "$filter=principalId eq '" + first.id() + "'&api-version=2022-04-01",
                "api-version=2022-04-01",
                "api-version=2022-04-01");
        assertThat(emulator.requests(Surface.ARM).get(2).method()).isEqualTo("DELETE");
    }

    @Test
    void aNewPrincipalIsNotFoundByArmUntilItHasReplicated() {
        MovableClock clock = new MovableClock(Instant.now());
        emulator.clock(clock).principalPropagationDelay(Duration.ofMinutes(10));
        AzureResourceManager azure = azure();
        ServicePrincipal principal = azure.accessManagement().servicePrincipals().define("fresh-sp")
                .withNewApplication().create();
        RoleAssignmentsClient assignments = roleAssignments(azure);
        String name = UUID.randomUUID().toString();
        RoleAssignmentCreateParameters parameters = new RoleAssignmentCreateParameters()
                .withRoleDefinitionId(ACR_PULL_ID).withPrincipalId(principal.id())
                .withPrincipalType(PrincipalType.SERVICE_PRINCIPAL);

        ManagementException early = catchThrowableOfType(ManagementException.class,
                () -> assignments.create(registry.id(), name, parameters));
        clock.advance(Duration.ofMinutes(9));
        ManagementException stillEarly = catchThrowableOfType(ManagementException.class,
                () -> assignments.create(registry.id(), name, parameters));
        clock.advance(Duration.ofMinutes(2));
        RoleAssignmentInner created = assignments.create(registry.id(), name, parameters);

        assertThat(early.getResponse().getStatusCode()).isEqualTo(400);
        assertThat(early.getValue().getCode()).isEqualTo("PrincipalNotFound");
        assertThat(early.getValue().getMessage()).startsWith("Principal " + principal.id().replace("-", "")
                + " does not exist in the directory " + emulator.tenantId() + ".");
        assertThat(stillEarly.getValue().getCode()).isEqualTo("PrincipalNotFound");
        assertThat(created.principalId()).isEqualTo(principal.id());
        assertThat(emulator.requests(Surface.ARM)).extracting(RecordedRequest::status).containsExactly(400, 400, 201);
    }

    @Test
    void theSdksFluentRoleAssignmentRetriesPrincipalNotFoundByItselfUnlessItsDelayIsShortened() {
        GraphServicePrincipal principal = emulator.principalPropagationDelay(Duration.ofHours(1))
                .addServicePrincipal("slow-to-replicate");
        AzureResourceManager azure = azure();
        ResourceManagerUtils.InternalRuntimeContext.setDelayProvider(delay -> Duration.ofMillis(1));
        try {
            long started = System.nanoTime();
            ManagementException failed = catchThrowableOfType(ManagementException.class,
                    () -> azure.accessManagement().roleAssignments().define(UUID.randomUUID().toString())
                            .forObjectId(principal.id()).withBuiltInRole(BuiltInRole.fromString("AcrPull"))
                            .withScope(registry.id()).create());

            assertThat(failed.getValue().getCode()).isEqualTo("PrincipalNotFound");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            List<RecordedRequest> puts = emulator.requests(Surface.ARM).stream()
                    .filter(request -> request.method().equals("PUT")).toList();
            assertThat(puts).hasSizeGreaterThan(1).allSatisfy(put -> assertThat(put.status()).isEqualTo(400));
            // The fluent path sends no principalType, which is why the adapter makes its own PUT.
            assertThat(puts.get(0).body()).doesNotContain("principalType");
        } finally {
            ResourceManagerUtils.InternalRuntimeContext.setDelayProvider(new ResourceDelayProvider());
        }
    }

    @Test
    void aCallerWithoutRoleAssignmentWriteAtTheRegistryGets403AuthorizationFailed() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("team-b");
        emulator.denyRoleAssignmentWrite(CLIENT_ID, "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg1");
        RoleAssignmentsClient assignments = roleAssignments(azure());
        String name = UUID.randomUUID().toString();

        ManagementException denied = catchThrowableOfType(ManagementException.class,
                () -> assignments.create(registry.id(), name, new RoleAssignmentCreateParameters()
                        .withRoleDefinitionId(ACR_PULL_ID).withPrincipalId(principal.id())));

        assertThat(denied.getResponse().getStatusCode()).isEqualTo(403);
        assertThat(denied.getValue().getCode()).isEqualTo("AuthorizationFailed");
        assertThat(denied.getValue().getMessage()).contains("'Microsoft.Authorization/roleAssignments/write'")
                .contains("over scope '" + registry.id() + "/providers/Microsoft.Authorization/roleAssignments/"
                        + name + "'")
                .contains("The client '" + CLIENT_ID + "'");
        assertThat(emulator.roleAssignments()).isEmpty();
    }

    @Test
    void theSubscriptionsRoleAssignmentLimitRefusesOneMore() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("one-too-many");
        emulator.roleAssignmentLimit(1).addRoleAssignment("/subscriptions/" + SUBSCRIPTION,
                UUID.randomUUID().toString(), BuiltInRoles.READER, principal.id(), "ServicePrincipal");

        ManagementException limit = catchThrowableOfType(ManagementException.class,
                () -> roleAssignments(azure()).create(registry.id(), UUID.randomUUID().toString(),
                        new RoleAssignmentCreateParameters().withRoleDefinitionId(ACR_PULL_ID)
                                .withPrincipalId(principal.id())));

        assertThat(limit.getValue().getCode()).isEqualTo("RoleAssignmentLimitExceeded");
    }

    // ---- failure injection

    @Test
    void throttlingAnswers429WithRetryAfterWhichTheSdkHonoursOrSurfaces() {
        emulator.throttleNext(1, "GET", "/registries/myregistry$", Duration.ZERO);
        Registry afterRetry = azure().containerRegistries().getById(registry.id());
        List<RecordedRequest> retried = emulator.requests(Surface.ARM);

        emulator.clearRequests().throttleNext(1, "GET", "/registries/myregistry$", Duration.ofSeconds(17));
        AzureResourceManager noRetries = azure(credential(), new RetryOptions(new FixedDelayOptions(0, Duration.ZERO)),
                SUBSCRIPTION);
        ManagementException throttled = catchThrowableOfType(ManagementException.class,
                () -> noRetries.containerRegistries().getById(registry.id()));

        assertThat(afterRetry.name()).isEqualTo("myregistry");
        assertThat(retried).extracting(RecordedRequest::status).containsExactly(429, 200);
        assertThat(throttled.getResponse().getStatusCode()).isEqualTo(429);
        assertThat(throttled.getResponse().getHeaderValue("Retry-After")).isEqualTo("17");
        assertThat(throttled.getValue().getCode()).isEqualTo("TooManyRequests");
    }

    @Test
    void anyStatusAndCodeCanBeInjectedForTheNextMatchingCalls() {
        emulator.failNext(1, "PUT", "roleAssignments", 409, "Conflict", "Someone else is changing it.");
        GraphServicePrincipal principal = emulator.addServicePrincipal("conflicted");
        RoleAssignmentsClient assignments = roleAssignments(azure());
        RoleAssignmentCreateParameters parameters = new RoleAssignmentCreateParameters()
                .withRoleDefinitionId(ACR_PULL_ID).withPrincipalId(principal.id());
        String name = UUID.randomUUID().toString();

        ManagementException injected = catchThrowableOfType(ManagementException.class,
                () -> assignments.create(registry.id(), name, parameters));
        RoleAssignmentInner next = assignments.create(registry.id(), name, parameters);

        assertThat(injected.getValue().getCode()).isEqualTo("Conflict");
        assertThat(injected.getValue().getMessage()).isEqualTo("Someone else is changing it.");
        assertThat(next.principalId()).isEqualTo(principal.id());
    }

    // ---- Graph

    @Test
    void createsAnApplicationAndServicePrincipalWithAServerGeneratedSecretThatSignsIn() {
        AzureResourceManager azure = azure();

        ServicePrincipal created = azure.accessManagement().servicePrincipals().define("acr-pull-team-a")
                .withNewApplication().definePasswordCredential("pullbridge").withDuration(Duration.ofDays(90))
                .attach().create();

        GraphServicePrincipal stored = emulator.servicePrincipal(created.id()).orElseThrow();
        PasswordCredential password = stored.passwords().get(0);
        assertThat(created.applicationId()).isEqualTo(stored.appId());
        assertThat(emulator.applicationByAppId(stored.appId()).orElseThrow().displayName())
                .isEqualTo("acr-pull-team-a");
        assertThat(password.displayName()).isEqualTo("pullbridge");
        assertThat(password.secretText()).hasSize(40).contains("8Q~");
        assertThat(Duration.between(password.startDateTime(), password.endDateTime())).isEqualTo(Duration.ofDays(90));
        assertThat(emulator.callLines()).containsExactly(
                "POST /v1.0/applications",
                "GET /v1.0/applications/" + emulator.applicationByAppId(stored.appId()).orElseThrow().id(),
                "POST /v1.0/servicePrincipals",
                "POST /v1.0/servicePrincipals/" + created.id() + "/microsoft.graph.addPassword",
                "GET /v1.0/servicePrincipals/" + created.id());
        // The new password is a working credential for the emulator's token endpoint.
        TokenCredential asNewPrincipal = new ClientSecretCredentialBuilder().tenantId(emulator.tenantId())
                .clientId(created.applicationId()).clientSecret(password.secretText())
                .authorityHost(emulator.authorityHost()).disableInstanceDiscovery().httpClient(http).build();
        assertThat(asNewPrincipal.getTokenSync(new TokenRequestContext().addScopes(emulator.armEndpoint()
                + ".default")).getToken()).isNotBlank();
    }

    @Test
    void graphFindsApplicationsAndServicePrincipalsByFilterAndManagesPasswordsUnderBothNames() throws Exception {
        GraphServicePrincipal principal = emulator.addServicePrincipal("it's-team-a");
        String applicationId = emulator.applicationByAppId(principal.appId()).orElseThrow().id();
        String token = accessToken();

        HttpResponse<String> byName = raw("GET", "/v1.0/applications?$filter="
                + encode("displayName eq 'it''s-team-a'"), token, null);
        HttpResponse<String> byAppId = raw("GET", "/v1.0/servicePrincipals?$filter="
                + encode("appId eq '" + principal.appId() + "'"), token, null);
        HttpResponse<String> appPassword = raw("POST", "/v1.0/applications/" + applicationId + "/addPassword", token,
                "{\"passwordCredential\":{\"displayName\":\"rotation\"}}");
        HttpResponse<String> spPassword = raw("POST", "/v1.0/servicePrincipals/" + principal.id()
                + "/microsoft.graph.addPassword", token, "{\"passwordCredential\":{\"displayName\":\"sp\"}}");
        String keyId = json(appPassword).at("/keyId").asString();
        HttpResponse<String> removed = raw("POST", "/v1.0/applications/" + applicationId + "/removePassword", token,
                "{\"keyId\":\"" + keyId + "\"}");
        HttpResponse<String> missing = raw("GET", "/v1.0/servicePrincipals/" + UUID.randomUUID(), token, null);

        assertThat(json(byName).at("/value/0/appId").asString()).isEqualTo(principal.appId());
        assertThat(json(byAppId).at("/value/0/id").asString()).isEqualTo(principal.id());
        assertThat(json(byAppId).at("/value").size()).isEqualTo(1);
        assertThat(appPassword.statusCode()).isEqualTo(200);
        assertThat(json(appPassword).at("/secretText").asString()).hasSize(40);
        assertThat(json(appPassword).at("/hint").asString())
                .isEqualTo(json(appPassword).at("/secretText").asString().substring(0, 3));
        assertThat(spPassword.statusCode()).isEqualTo(200);
        assertThat(json(spPassword).at("/secretText").asString()).hasSize(40);
        assertThat(removed.statusCode()).isEqualTo(204);
        assertThat(emulator.applicationByAppId(principal.appId()).orElseThrow().passwords()).isEmpty();
        assertThat(emulator.servicePrincipal(principal.id()).orElseThrow().passwords()).hasSize(1);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).at("/error/code").asString()).isEqualTo("Request_ResourceNotFound");
        assertThat(missing.headers().firstValue("request-id")).isPresent();
    }

    @Test
    void theTokenEndpointAcceptsOnlyASecretTheApplicationHoldsAndHasNotExpired() throws Exception {
        GraphServicePrincipal principal = emulator.addServicePrincipal("adopted");
        emulator.addPassword(principal, "current-secret", Instant.now().plus(Duration.ofDays(30)));
        emulator.addPassword(principal, "expired-secret", Instant.now().minus(Duration.ofDays(1)));

        HttpResponse<String> current = signIn(principal.appId(), "current-secret");
        HttpResponse<String> wrong = signIn(principal.appId(), "made-up-secret");
        HttpResponse<String> expired = signIn(principal.appId(), "expired-secret");
        HttpResponse<String> otherApplication = signIn(CLIENT_ID, "current-secret");
        HttpResponse<String> unknownApplication = signIn(UUID.randomUUID().toString(), "current-secret");

        assertThat(current.statusCode()).isEqualTo(200);
        assertThat(json(current).at("/access_token").asString()).isNotBlank();
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).at("/error").asString()).isEqualTo("invalid_client");
        assertThat(json(wrong).at("/error_codes/0").asInt()).isEqualTo(7000215);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(json(expired).at("/error").asString()).isEqualTo("invalid_client");
        assertThat(json(expired).at("/error_codes/0").asInt()).isEqualTo(7000222);
        assertThat(otherApplication.statusCode()).isEqualTo(401);
        assertThat(json(otherApplication).at("/error_codes/0").asInt()).isEqualTo(7000215);
        assertThat(unknownApplication.statusCode()).isEqualTo(400);
        assertThat(json(unknownApplication).at("/error_codes/0").asInt()).isEqualTo(700016);
        assertThat(emulator.issuedTokens()).extracting(IssuedToken::clientId).contains(principal.appId());
    }

    @Test
    void applicationsCarryTagsThatGraphFiltersByAndListTheirPasswordsWithoutSecrets() throws Exception {
        String token = accessToken();
        HttpResponse<String> created = raw("POST", "/v1.0/applications", token,
                "{\"displayName\":\"tagged\",\"tags\":[\"pullbridge:1234\",\"team-a\"]}");
        emulator.addServicePrincipal("untagged");
        String id = json(created).at("/id").asString();
        raw("POST", "/v1.0/applications/" + id + "/addPassword", token,
                "{\"passwordCredential\":{\"displayName\":\"pullbridge:1234 2026-01-01\"}}");

        HttpResponse<String> byTag = raw("GET", "/v1.0/applications?$filter="
                + encode("tags/any(t:t eq 'pullbridge:1234')"), token, null);
        HttpResponse<String> otherVariable = raw("GET", "/v1.0/applications?$filter="
                + encode("tags/any(x:x eq 'team-a')"), token, null);
        HttpResponse<String> noneTagged = raw("GET", "/v1.0/applications?$filter="
                + encode("tags/any(t:t eq 'pullbridge:5678')"), token, null);
        HttpResponse<String> read = raw("GET", "/v1.0/applications/" + id, token, null);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created).at("/tags").toString()).isEqualTo("[\"pullbridge:1234\",\"team-a\"]");
        assertThat(json(byTag).at("/value").size()).isEqualTo(1);
        assertThat(json(byTag).at("/value/0/id").asString()).isEqualTo(id);
        assertThat(json(otherVariable).at("/value/0/id").asString()).isEqualTo(id);
        assertThat(json(noneTagged).at("/value").size()).isZero();
        assertThat(json(read).at("/passwordCredentials/0/displayName").asString())
                .isEqualTo("pullbridge:1234 2026-01-01");
        assertThat(json(read).at("/passwordCredentials/0/keyId").asString()).isNotBlank();
        assertThat(json(read).at("/passwordCredentials/0/secretText").isNull()).isTrue();
    }

    @Test
    void aLostAnswerLeavesWhatTheCallMadeAndTellsTheCallerItFailed() throws Exception {
        String token = accessToken();
        emulator.loseNextAnswer(1, "POST", "^/v1\\.0/applications$");

        HttpResponse<String> lost = raw("POST", "/v1.0/applications", token, "{\"displayName\":\"made-anyway\"}");
        HttpResponse<String> next = raw("POST", "/v1.0/applications", token, "{\"displayName\":\"answered\"}");

        assertThat(lost.statusCode()).isEqualTo(500);
        assertThat(next.statusCode()).isEqualTo(201);
        assertThat(emulator.applications()).extracting(GraphApplication::displayName)
                .contains("made-anyway", "answered");
    }

    private static HttpResponse<String> signIn(String clientId, String secret) throws Exception {
        return raw("POST", "/" + emulator.tenantId() + "/oauth2/v2.0/token", null,
                "grant_type=client_credentials&client_id=" + clientId + "&client_secret=" + encode(secret)
                        + "&scope=" + encode(emulator.armEndpoint() + ".default"));
    }

    @Test
    void aCallerWithoutGraphRightsCannotCreateApplicationsButCanStillReadThem() {
        GraphServicePrincipal existing = emulator.addServicePrincipal("adopted");
        emulator.denyGraphWrites(CLIENT_ID);
        AzureResourceManager azure = azure();

        assertThatThrownBy(() -> azure.accessManagement().servicePrincipals().define("not-allowed")
                .withNewApplication().create())
                .hasMessageContaining("Authorization_RequestDenied");
        assertThat(azure.accessManagement().servicePrincipals().getById(existing.id()).applicationId())
                .isEqualTo(existing.appId());
        assertThat(emulator.applications()).extracting(GraphApplication::displayName).containsExactly(
                "pullbridge-" + CLIENT_ID, "adopted");
    }

    @Test
    void deletingTheServicePrincipalAndApplicationRemovesThemFromGraph() {
        AzureResourceManager azure = azure();
        ServicePrincipal created = azure.accessManagement().servicePrincipals().define("short-lived")
                .withNewApplication().create();
        String applicationObjectId = emulator.applicationByAppId(created.applicationId()).orElseThrow().id();

        azure.accessManagement().servicePrincipals().deleteById(created.id());
        azure.accessManagement().activeDirectoryApplications().deleteById(applicationObjectId);

        assertThat(emulator.servicePrincipals()).extracting(GraphServicePrincipal::displayName)
                .doesNotContain("short-lived");
        assertThat(emulator.applicationByAppId(created.applicationId())).isEmpty();
        assertThat(emulator.callLines()).endsWith("DELETE /v1.0/servicePrincipals/" + created.id(),
                "DELETE /v1.0/applications/" + applicationObjectId);
    }

    // ---- registry tokens and scope maps

    @Test
    void createsAScopeMapAndTokenGeneratesItsPasswordsAndDeletesBoth() {
        ContainerRegistryManagementClient acr = azure().containerRegistries().manager().serviceClient();
        OffsetDateTime expiry = OffsetDateTime.of(2027, 2, 21, 0, 0, 0, 0, ZoneOffset.UTC);

        ScopeMapInner scopeMap = acr.getScopeMaps().create("rg1", "myregistry", "team-a-pull-scope",
                new ScopeMapInner().withActions(List.of("repositories/team-a/app/content/read",
                        "repositories/team-a/app/metadata/read")).withDescription("team-a pulls"));
        TokenInner token = acr.getTokens().create("rg1", "myregistry", "team-a-pull",
                new TokenInner().withScopeMapId(scopeMap.id()).withStatus(TokenStatus.ENABLED));
        GenerateCredentialsResultInner first = acr.getRegistries().generateCredentials("rg1", "myregistry",
                new GenerateCredentialsParameters().withTokenId(token.id()).withExpiry(expiry)
                        .withName(TokenPasswordName.PASSWORD1));
        GenerateCredentialsResultInner second = acr.getRegistries().generateCredentials("rg1", "myregistry",
                new GenerateCredentialsParameters().withTokenId(token.id()).withName(TokenPasswordName.PASSWORD2));
        TokenInner read = acr.getTokens().get("rg1", "myregistry", "team-a-pull");

        assertThat(scopeMap.actions()).containsExactly("repositories/team-a/app/content/read",
                "repositories/team-a/app/metadata/read");
        assertThat(token.scopeMapId()).isEqualTo(registry.id() + "/scopeMaps/team-a-pull-scope");
        assertThat(token.status()).isEqualTo(TokenStatus.ENABLED);
        assertThat(first.username()).isEqualTo("team-a-pull");
        assertThat(first.passwords()).singleElement().satisfies(password -> {
            assertThat(password.name()).isEqualTo(TokenPasswordName.PASSWORD1);
            assertThat(password.expiry()).isEqualTo(expiry);
            assertThat(password.creationTime()).isNotNull();
            assertThat(password.value()).isEqualTo(registry.token("team-a-pull").password("password1").value());
        });
        assertThat(second.passwords()).singleElement()
                .satisfies(password -> assertThat(password.name()).isEqualTo(TokenPasswordName.PASSWORD2));
        assertThat(read.credentials().passwords()).extracting(p -> p.name().toString())
                .containsExactly("password1", "password2");
        assertThat(read.credentials().passwords()).allSatisfy(p -> assertThat(p.value()).isNull());

        acr.getTokens().delete("rg1", "myregistry", "team-a-pull");
        acr.getScopeMaps().delete("rg1", "myregistry", "team-a-pull-scope");

        assertThat(registry.tokens()).isEmpty();
        assertThat(registry.scopeMaps()).isEmpty();
        ManagementException gone = catchThrowableOfType(ManagementException.class,
                () -> acr.getTokens().get("rg1", "myregistry", "team-a-pull"));
        assertThat(gone.getResponse().getStatusCode()).isEqualTo(404);
        String tokens = registry.id() + "/tokens/team-a-pull?api-version=2025-11-01";
        assertThat(emulator.callLines()).containsExactly(
                "PUT " + registry.id() + "/scopeMaps/team-a-pull-scope?api-version=2025-11-01",
                "PUT " + tokens,
                "POST " + registry.id() + "/generateCredentials?api-version=2025-11-01",
                "POST " + registry.id() + "/generateCredentials?api-version=2025-11-01",
                "GET " + tokens,
                "DELETE " + tokens,
                "DELETE " + registry.id() + "/scopeMaps/team-a-pull-scope?api-version=2025-11-01",
                "GET " + tokens);
    }

    // ---- AKS and Arc

    @Test
    void readsAManagedClustersKubeletIdentityAndUserKubeconfig() {
        String kubeconfig = "apiVersion: v1\nkind: Config\nclusters: []\n";
        EmulatedManagedCluster aks = emulator.addManagedCluster(SUBSCRIPTION, "rg1", "aks1")
                .kubeletIdentity("55555555-5555-5555-5555-555555555555", "33333333-3333-3333-3333-333333333333")
                .userKubeconfig(kubeconfig);
        GraphServicePrincipal clusterPrincipal = emulator.addServicePrincipal("aks2-sp");
        EmulatedManagedCluster servicePrincipalCluster = emulator.addManagedCluster(SUBSCRIPTION, "rg1", "aks2")
                .servicePrincipal(clusterPrincipal.appId());
        AzureResourceManager azure = azure();

        KubernetesCluster cluster = azure.kubernetesClusters().getById(aks.id());
        UserAssignedIdentity kubelet = cluster.innerModel().identityProfile().get("kubeletidentity");
        byte[] userKubeconfig = cluster.userKubeConfigContent();
        KubernetesCluster withServicePrincipal = azure.kubernetesClusters().getById(servicePrincipalCluster.id());

        assertThat(kubelet.objectId()).isEqualTo("33333333-3333-3333-3333-333333333333");
        assertThat(kubelet.clientId()).isEqualTo("55555555-5555-5555-5555-555555555555");
        assertThat(kubelet.resourceId()).isEqualTo(aks.kubeletResourceId())
                .contains("/resourceGroups/MC_rg1_aks1_westeurope/");
        assertThat(new String(userKubeconfig, StandardCharsets.UTF_8)).isEqualTo(kubeconfig);
        assertThat(withServicePrincipal.servicePrincipalClientId()).isEqualTo(clusterPrincipal.appId());
        assertThat(withServicePrincipal.innerModel().identityProfile()).isNull();
        // The kubelet identity is a principal role assignments may name at once.
        assertThat(roleAssignments(azure).create(registry.id(), UUID.randomUUID().toString(),
                new RoleAssignmentCreateParameters().withRoleDefinitionId(ACR_PULL_ID).withPrincipalId(
                        kubelet.objectId()).withPrincipalType(PrincipalType.SERVICE_PRINCIPAL)).principalId())
                .isEqualTo(kubelet.objectId());
        assertThat(emulator.callLines()).startsWith(
                "GET " + aks.id() + "?api-version=2025-09-01",
                "POST " + aks.id() + "/listClusterUserCredential?api-version=2025-09-01");
    }

    @Test
    void readsAConnectedClusterThroughTheGenericResourcesApiWithOrWithoutAnApiVersion() {
        EmulatedConnectedCluster arc = emulator.addConnectedCluster(SUBSCRIPTION, "rg1", "edge1")
                .connectivityStatus("Offline");
        AzureResourceManager azure = azure();

        GenericResource read = azure.genericResources().getById(arc.id(), "2024-01-01");
        GenericResource discovered = azure.genericResources().getById(arc.id());

        assertThat(read.id()).isEqualTo(arc.id());
        assertThat(read.resourceType()).isEqualTo("connectedClusters");
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) read.properties();
        assertThat(properties).containsEntry("connectivityStatus", "Offline")
                .containsEntry("provisioningState", "Succeeded");
        assertThat(discovered.id()).isEqualTo(arc.id());
        // The SDK sends the id as a scope ("//subscriptions/..."); without an api-version it first asks the resource
        // provider for its api-versions and takes the first listed.
        assertThat(emulator.requests(Surface.ARM)).extracting(RecordedRequest::rawPath, RecordedRequest::apiVersion)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/" + arc.id(), "2024-01-01"),
                        org.assertj.core.groups.Tuple.tuple("/subscriptions/" + SUBSCRIPTION
                                + "/providers/Microsoft.Kubernetes", "2025-04-01"),
                        org.assertj.core.groups.Tuple.tuple("/" + arc.id(), "2026-05-01"));
    }

    // ---- recording

    @Test
    void recordsEveryArmCallWithItsApiVersionAndEveryCallerWithItsClientId() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("recorded");
        EmulatedManagedCluster aks = emulator.addManagedCluster(SUBSCRIPTION, "rg1", "aks1");
        AzureResourceManager azure = azure();

        azure.containerRegistries().getById(registry.id());
        azure.accessManagement().roleAssignments().define(UUID.randomUUID().toString()).forObjectId(principal.id())
                .withBuiltInRole(BuiltInRole.fromString("AcrPull")).withScope(registry.id()).create();
        azure.kubernetesClusters().getById(aks.id());

        assertThat(emulator.requests(Surface.ARM))
                .extracting(r -> r.method() + " " + r.path().replaceFirst(".*/providers/", "") + " " + r.apiVersion())
                .containsExactly(
                        "GET Microsoft.ContainerRegistry/registries/myregistry 2025-11-01",
                        "GET Microsoft.Authorization/roleDefinitions 2022-04-01",
                        "PUT Microsoft.Authorization/roleAssignments/"
                                + emulator.roleAssignments().get(0).name() + " 2022-04-01",
                        "GET Microsoft.ContainerService/managedClusters/aks1 2025-09-01");
        assertThat(emulator.requests()).allSatisfy(request -> assertThat(request.clientId()).isEqualTo(CLIENT_ID));
        assertThat(emulator.requests(Surface.TOKEN)).singleElement()
                .satisfies(request -> assertThat(request.path()).isEqualTo("/" + emulator.tenantId()
                        + "/oauth2/v2.0/token"));
    }

    // ---- helpers

    private static AzureResourceManager azure() {
        return azure(credential(), null, SUBSCRIPTION);
    }

    private static AzureResourceManager azure(String subscription) {
        return azure(credential(), null, subscription);
    }

    private static TokenCredential credential() {
        return new ClientSecretCredentialBuilder().tenantId(emulator.tenantId()).clientId(CLIENT_ID)
                .clientSecret(CLIENT_SECRET).authorityHost(emulator.authorityHost()).disableInstanceDiscovery()
                .httpClient(http).build();
    }

    private static AzureResourceManager azure(TokenCredential credential, RetryOptions retryOptions,
                                              String subscription) {
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", emulator.armEndpoint());
        endpoints.put("managementEndpointUrl", emulator.armEndpoint());
        endpoints.put("activeDirectoryEndpointUrl", emulator.authorityHost());
        endpoints.put("microsoftGraphResourceId", emulator.graphEndpoint());
        AzureProfile profile = new AzureProfile(emulator.tenantId(), subscription, new AzureEnvironment(endpoints));
        AzureResourceManager.Configurable configurable = AzureResourceManager.configure().withHttpClient(http);
        if (retryOptions != null) {
            configurable = configurable.withRetryOptions(retryOptions);
        }
        return configurable.authenticate(credential, profile).withSubscription(subscription);
    }

    private static RoleAssignmentsClient roleAssignments(AzureResourceManager azure) {
        return azure.accessManagement().roleAssignments().manager().roleServiceClient().getRoleAssignments();
    }

    private static String accessToken() {
        return credential().getTokenSync(new TokenRequestContext().addScopes(emulator.armEndpoint() + ".default"))
                .getToken();
    }

    private static HttpResponse<String> raw(String method, String pathAndQuery, String bearer, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.armEndpoint()
                        + pathAndQuery.substring(1)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            request.header("Content-Type", body.startsWith("{") ? "application/json"
                    : "application/x-www-form-urlencoded");
        }
        return RAW.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }


    // ---- Entra-integrated AKS: the API server's rules

    @Test
    void anEntraOnlyApiServerAcceptsOnlyUnexpiredAksTokensOfItsTenant() throws Exception {
        MovableClock clock = new MovableClock(Instant.now());
        emulator.clock(clock).addSubscription(SUBSCRIPTION).addResourceGroup(SUBSCRIPTION, "rg1");
        String otherTenant = UUID.randomUUID().toString();
        emulator.addTenant(otherTenant);
        try (io.pullbridge.support.kube.EmulatedCluster apiServer = io.pullbridge.support.kube.EmulatedCluster
                .start("team-a")) {
            emulator.addManagedCluster(SUBSCRIPTION, "rg1", "corp").entraOnly(apiServer, true);
            String aks = accessToken(emulator.tenantId(), EmulatedManagedCluster.AKS_SERVER_ID + "/.default");
            String arm = accessToken(emulator.tenantId(), emulator.armEndpoint() + ".default");
            String otherTenants = accessToken(otherTenant, EmulatedManagedCluster.AKS_SERVER_ID + "/.default");

            assertThat(listNamespaces(apiServer, aks)).as("an AKS-scope token of the cluster's tenant").isEqualTo(200);
            assertThat(listNamespaces(apiServer, arm)).as("a token for another audience (ARM)").isEqualTo(401);
            assertThat(listNamespaces(apiServer, otherTenants)).as("an AKS-scope token of another tenant")
                    .isEqualTo(401);
            assertThat(listNamespaces(apiServer, "not-a-token")).isEqualTo(401);
            assertThat(listNamespaces(apiServer, aks)).as("still valid before it expires").isEqualTo(200);

            clock.advance(Duration.ofMinutes(60));
            assertThat(listNamespaces(apiServer, aks)).as("expired").isEqualTo(401);
            assertThat(listNamespaces(apiServer, accessToken(emulator.tenantId(),
                    EmulatedManagedCluster.AKS_SERVER_ID + "/.default"))).as("a fresh one").isEqualTo(200);
        }
    }

    @Test
    void theTokenEndpointSignsClientsInToAnAddedTenantWithThatTenantsId() throws Exception {
        String otherTenant = UUID.randomUUID().toString();
        assertThat(raw("POST", "/" + otherTenant + "/oauth2/v2.0/token", null, tokenForm(
                EmulatedManagedCluster.AKS_SERVER_ID + "/.default")).body()).contains("AADSTS90002");

        emulator.addTenant(otherTenant);
        String token = accessToken(otherTenant, EmulatedManagedCluster.AKS_SERVER_ID + "/.default");

        JsonNode claims = JSON.readTree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertThat(claims.get("tid").asString()).isEqualTo(otherTenant);
        assertThat(claims.get("aud").asString()).isEqualTo(EmulatedManagedCluster.AKS_SERVER_ID);
        assertThat(emulator.issuedTokens()).filteredOn(issued -> issued.accessToken().equals(token))
                .singleElement().satisfies(issued -> assertThat(issued.tenantId()).isEqualTo(otherTenant));
        emulator.reset();
        assertThat(raw("POST", "/" + otherTenant + "/oauth2/v2.0/token", null, tokenForm(
                EmulatedManagedCluster.AKS_SERVER_ID + "/.default")).body()).as("reset forgets it")
                .contains("AADSTS90002");
    }

    @Test
    void quietSeedingLeavesTheApiServersRulesOnForEveryoneElse() throws Exception {
        emulator.addSubscription(SUBSCRIPTION).addResourceGroup(SUBSCRIPTION, "rg1");
        try (io.pullbridge.support.kube.EmulatedCluster apiServer = io.pullbridge.support.kube.EmulatedCluster
                .start("team-a")) {
            emulator.addManagedCluster(SUBSCRIPTION, "rg1", "corp").entraOnly(apiServer, true);
            java.util.concurrent.atomic.AtomicInteger during = new java.util.concurrent.atomic.AtomicInteger();

            // The test's own client reads around authentication while another caller tries a made-up token.
            apiServer.quietly(() -> {
                assertThat(apiServer.client().namespaces().withName("team-a").get()).isNotNull();
                during.set(listNamespaces(apiServer, "made-up-token"));
            });

            assertThat(during.get()).isEqualTo(401);
            // Recorded (fabric8 asks twice after a 401); the quiet read is not.
            assertThat(apiServer.requests()).isNotEmpty().containsOnly("GET /api/v1/namespaces");
        }
    }

    private static String tokenForm(String scope) {
        return "grant_type=client_credentials&client_id=" + CLIENT_ID + "&client_secret=" + encode(CLIENT_SECRET)
                + "&scope=" + encode(scope);
    }

    private static String accessToken(String tenant, String scope) throws Exception {
        HttpResponse<String> response = raw("POST", "/" + tenant + "/oauth2/v2.0/token", null, tokenForm(scope));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response).get("access_token").asString();
    }

    /** The status a namespace list with this bearer token gets from the API server. */
    private static int listNamespaces(io.pullbridge.support.kube.EmulatedCluster apiServer, String token) {
        try (io.fabric8.kubernetes.client.KubernetesClient client = new io.fabric8.kubernetes.client
                .KubernetesClientBuilder().withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(
                        apiServer.kubeconfig(token))).build()) {
            client.namespaces().list();
            return 200;
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            return e.getCode();
        }
    }
}
