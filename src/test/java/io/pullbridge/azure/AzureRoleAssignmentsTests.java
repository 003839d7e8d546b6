package io.pullbridge.azure;

import io.pullbridge.common.AzureRole;
import io.pullbridge.common.RoleAssignments.Assignment;
import io.pullbridge.common.RoleAssignments.PrincipalType;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedRegistry;
import io.pullbridge.support.azure.GraphServicePrincipal;
import io.pullbridge.support.azure.RecordedRequest;
import io.pullbridge.support.azure.RecordedRequest.Surface;
import io.pullbridge.support.azure.RoleAssignment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.pullbridge.azure.AzureTestSupport.CLIENT_ID;
import static io.pullbridge.azure.AzureTestSupport.CLIENT_SECRET;
import static io.pullbridge.azure.AzureTestSupport.SUBSCRIPTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Role assignments at a registry scope, asserted call by call against the Azure emulator. */
class AzureRoleAssignmentsTests {

    private static final String ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
    private static final String ROLE_DEFINITIONS = "/subscriptions/" + SUBSCRIPTION
            + "/providers/Microsoft.Authorization/roleDefinitions/";

    @AutoClose
    private static final AzureEmulator emulator = AzureEmulator.start();

    private EmulatedRegistry registry;
    private AzureRoleAssignments assignments;

    @BeforeEach
    void seed() {
        emulator.reset();
        emulator.registerPullBridge(CLIENT_ID, CLIENT_SECRET);
        registry = emulator.addRegistry(SUBSCRIPTION, "rg1", "myregistry");
        assignments = new AzureRoleAssignments(AzureTestSupport.clients(emulator));
    }

    @Test
    void assignsTheRoleWithPrincipalTypeUnderANameDerivedFromScopePrincipalAndRole() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("team-a-pull");
        UUID objectId = UUID.fromString(principal.id());
        String name = UUID.nameUUIDFromBytes((registry.id().toLowerCase() + "|" + objectId + "|" + ACR_PULL)
                .getBytes(StandardCharsets.UTF_8)).toString();
        String assignmentPath = registry.id() + "/providers/Microsoft.Authorization/roleAssignments/" + name;

        Assignment assignment = assignments.assign(registry.id(), objectId, PrincipalType.ServicePrincipal,
                AzureRole.ACR_PULL);

        assertThat(assignment).isEqualTo(new Assignment(assignmentPath, registry.id(), objectId, AzureRole.ACR_PULL,
                true));
        assertThat(emulator.callLines()).containsExactly(
                "GET " + ROLE_DEFINITIONS + ACR_PULL + "?api-version=2022-04-01",
                "PUT " + assignmentPath + "?api-version=2022-04-01");
        RecordedRequest put = emulator.requests(Surface.ARM).get(1);
        assertThat(put.body()).contains("\"principalType\":\"ServicePrincipal\"")
                .contains("\"principalId\":\"" + objectId + "\"")
                .contains("\"roleDefinitionId\":\"" + ROLE_DEFINITIONS + ACR_PULL + "\"");
        assertThat(emulator.roleAssignmentsOf(principal.id())).singleElement().satisfies(stored -> {
            assertThat(stored.name()).isEqualTo(name);
            assertThat(stored.principalTypeSent()).isTrue();
            assertThat(stored.roleDefinitionGuid()).isEqualTo(ACR_PULL);
        });
    }

    @Test
    void aRetryLandsOnTheSameAssignmentAndTheRoleDefinitionIsReadOncePerSubscription() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("retried");
        UUID objectId = UUID.fromString(principal.id());

        Assignment first = assignments.assign(registry.id(), objectId, PrincipalType.ServicePrincipal,
                AzureRole.ACR_PULL);
        // ARM ignores case in ids; so does the name.
        Assignment again = assignments.assign(registry.id().toUpperCase().replace("SUBSCRIPTIONS", "subscriptions"),
                objectId, PrincipalType.ServicePrincipal, AzureRole.ACR_PULL);

        assertThat(again.id()).isEqualToIgnoringCase(first.id());
        assertThat(again.createdByPullBridge()).isTrue();
        assertThat(emulator.roleAssignmentsOf(principal.id())).hasSize(1);
        assertThat(emulator.callLines()).filteredOn(line -> line.contains("roleDefinitions")).hasSize(1);
        assertThat(emulator.callLines()).filteredOn(line -> line.startsWith("PUT ")).hasSize(2);
    }

    @Test
    void anIdenticalAssignmentUnderAnotherNameIsAdoptedNotDuplicated() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("adopted");
        RoleAssignment existing = emulator.addRoleAssignment(registry.id(), UUID.randomUUID().toString(), ACR_PULL,
                principal.id(), "ServicePrincipal");
        UUID objectId = UUID.fromString(principal.id());

        Assignment adopted = assignments.assign(registry.id(), objectId, PrincipalType.ServicePrincipal,
                AzureRole.ACR_PULL);

        assertThat(adopted).isEqualTo(new Assignment(existing.id(), registry.id(), objectId, AzureRole.ACR_PULL,
                false));
        assertThat(emulator.roleAssignmentsOf(principal.id())).extracting(RoleAssignment::id)
                .containsExactly(existing.id());
        List<RecordedRequest> arm = emulator.requests(Surface.ARM);
        assertThat(arm).extracting(RecordedRequest::status).containsExactly(200, 409, 200);
        assertThat(arm.get(2).line()).isEqualTo("GET " + registry.id()
                + "/providers/Microsoft.Authorization/roleAssignments?$filter=principalId eq '" + objectId
                + "'&api-version=2022-04-01");
        // The filter went out URL-encoded, as ARM requires.
        assertThat(arm.get(2).rawPath()).doesNotContain(" ");
    }

    @Test
    void principalNotFoundComesBackAtOnceAsATransientFailureForTheJobEngineToRetry() {
        emulator.principalPropagationDelay(Duration.ofHours(1));
        GraphServicePrincipal fresh = emulator.addServicePrincipal("fresh");
        long started = System.nanoTime();

        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> assignments.assign(registry.id(),
                UUID.fromString(fresh.id()), PrincipalType.ServicePrincipal, AzureRole.ACR_PULL));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(failure.isTransient()).isTrue();
        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-principal-not-propagated");
        assertThat(failure.problem().failureClass()).isEqualTo(FailureClass.TRANSIENT);
        assertThat(failure.problem().remoteRequestId()).isNotBlank();
        assertThat(failure.problem().detail()).contains("PrincipalNotFound");
        // One PUT: neither the SDK nor the adapter retried it in place.
        assertThat(emulator.callLines()).filteredOn(line -> line.startsWith("PUT ")).hasSize(1);

        emulator.completePropagation();
        assertThat(assignments.assign(registry.id(), UUID.fromString(fresh.id()), PrincipalType.ServicePrincipal,
                AzureRole.ACR_PULL).createdByPullBridge()).isTrue();
    }

    @Test
    void aCallerWithoutRoleAssignmentWriteGetsAPermanentFailureNamingTheMissingPermission() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("denied");
        emulator.denyRoleAssignmentWrite(CLIENT_ID, registry.id());

        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> assignments.assign(registry.id(),
                UUID.fromString(principal.id()), PrincipalType.ServicePrincipal, AzureRole.ACR_PULL));

        assertThat(failure.isTransient()).isFalse();
        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-authorization-failed");
        assertThat(failure.problem().status()).isEqualTo(403);
        assertThat(failure.problem().detail())
                .contains("lacks the permission 'Microsoft.Authorization/roleAssignments/write'")
                .contains("at scope '" + registry.id() + "/providers/Microsoft.Authorization/roleAssignments/");
        assertThat(failure.problem().remoteRequestId()).isNotBlank();
        assertThat(emulator.roleAssignments()).isEmpty();
    }

    @Test
    void theSubscriptionsRoleAssignmentLimitIsAPermanentFailureOfItsOwn() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("one-too-many");
        emulator.roleAssignmentLimit(1).addRoleAssignment("/subscriptions/" + SUBSCRIPTION,
                UUID.randomUUID().toString(), "acdd72a7-3385-48ef-bd42-f606fba81ae7", principal.id(),
                "ServicePrincipal");

        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> assignments.assign(registry.id(),
                UUID.fromString(principal.id()), PrincipalType.ServicePrincipal, AzureRole.ACR_PULL));

        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-role-assignment-limit");
        assertThat(failure.isTransient()).isFalse();
    }

    @Test
    void throttlingComesBackAsTransientWithAzuresRetryAfter() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("throttled");
        emulator.throttleNext(1, "PUT", "roleAssignments", Duration.ofSeconds(17));

        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> assignments.assign(registry.id(),
                UUID.fromString(principal.id()), PrincipalType.ServicePrincipal, AzureRole.ACR_PULL));

        assertThat(failure.isTransient()).isTrue();
        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-throttled");
        assertThat(failure.problem().status()).isEqualTo(429);
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(17));
        assertThat(failure.problem().remoteRequestId()).isNotBlank();
        assertThat(emulator.callLines()).filteredOn(line -> line.startsWith("PUT ")).hasSize(1);
    }

    @Test
    void listsThePrincipalsAssignmentsAtTheScopeOnlyAndFindsOneById() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("listed");
        UUID objectId = UUID.fromString(principal.id());
        Assignment ours = assignments.assign(registry.id(), objectId, PrincipalType.ServicePrincipal,
                AzureRole.ACR_PULL);
        RoleAssignment theirs = emulator.addRoleAssignment(registry.id(), UUID.randomUUID().toString(),
                AzureRole.ACR_PUSH.definitionId().toString(), principal.id(), "ServicePrincipal");
        emulator.addRoleAssignment("/subscriptions/" + SUBSCRIPTION, UUID.randomUUID().toString(), ACR_PULL,
                principal.id(), "ServicePrincipal");
        emulator.clearRequests();

        List<Assignment> listed = assignments.list(registry.id(), objectId);

        assertThat(listed).containsExactlyInAnyOrder(ours,
                new Assignment(theirs.id(), registry.id(), objectId, AzureRole.ACR_PUSH, false));
        assertThat(assignments.find(ours.id())).contains(ours);
        assertThat(assignments.find(theirs.id())).hasValueSatisfying(found ->
                assertThat(found.createdByPullBridge()).isFalse());
        assertThat(emulator.callLines()).containsExactly(
                "GET " + registry.id() + "/providers/Microsoft.Authorization/roleAssignments?$filter=principalId eq '"
                        + objectId + "'&api-version=2022-04-01",
                "GET " + ours.id() + "?api-version=2022-04-01",
                "GET " + theirs.id() + "?api-version=2022-04-01");
    }

    @Test
    void removingIsIdempotentAndAMissingAssignmentIsNotFound() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("removed");
        Assignment assignment = assignments.assign(registry.id(), UUID.fromString(principal.id()),
                PrincipalType.ServicePrincipal, AzureRole.ACR_PULL);
        emulator.clearRequests();

        assignments.remove(assignment.id());
        assignments.remove(assignment.id());

        assertThat(emulator.roleAssignments()).isEmpty();
        assertThat(assignments.find(assignment.id())).isEmpty();
        assertThat(emulator.callLines()).containsExactly(
                "DELETE " + assignment.id() + "?api-version=2022-04-01",
                "DELETE " + assignment.id() + "?api-version=2022-04-01",
                "GET " + assignment.id() + "?api-version=2022-04-01");
    }

    @Test
    void assignsInTheSubscriptionTheScopeNamesWithItsOwnRoleDefinitionIds() {
        EmulatedRegistry elsewhere = emulator.addRegistry(AzureTestSupport.OTHER_SUBSCRIPTION, "rg9", "otherregistry");
        GraphServicePrincipal principal = emulator.addServicePrincipal("elsewhere");

        Assignment assignment = assignments.assign(elsewhere.id(), UUID.fromString(principal.id()),
                PrincipalType.ServicePrincipal, AzureRole.REPOSITORY_READER);

        assertThat(assignment.scope()).isEqualTo(elsewhere.id());
        assertThat(emulator.roleAssignmentsOf(principal.id())).singleElement().satisfies(stored ->
                assertThat(stored.roleDefinitionId()).isEqualTo("/subscriptions/" + AzureTestSupport.OTHER_SUBSCRIPTION
                        + "/providers/Microsoft.Authorization/roleDefinitions/"
                        + AzureRole.REPOSITORY_READER.definitionId()));
    }
}
