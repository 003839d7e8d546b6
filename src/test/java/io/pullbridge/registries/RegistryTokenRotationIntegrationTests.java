package io.pullbridge.registries;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.jayway.jsonpath.JsonPath;
import io.pullbridge.common.CredentialRotated;
import io.pullbridge.common.CredentialUsers;
import io.pullbridge.common.PullCredential;
import io.pullbridge.common.Reference;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.ManualScheduling;
import io.pullbridge.support.Registries;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedRegistry;
import io.pullbridge.support.azure.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A rotation never breaks pulls: the previous password keeps working until every user of the token (here a stand-in
 * for the bindings' pull secrets) holds the new one, however long that takes within the switch timeout. The scheduler
 * and the clock are manual, so each run of the rotation job, and each wait, happens exactly when the test says.
 */
@IntegrationTest
@Import({ManualScheduling.class, RegistryTokenRotationIntegrationTests.Users.class})
@TestPropertySource(properties = {
        "pullbridge.registries.token-rotation.switch-timeout=PT10M",
        "pullbridge.registries.token-rotation.switch-poll-interval=PT20S"})
class RegistryTokenRotationIntegrationTests {

    private static final Duration POLL = Duration.ofSeconds(20);

    /** What writes the token's password elsewhere: each user holds the password with some fingerprint. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Users {

        @Bean
        HeldPasswords heldPasswords() {
            return new HeldPasswords();
        }
    }

    static class HeldPasswords implements CredentialUsers {

        final Map<Reference, String> held = new ConcurrentHashMap<>();
        final List<CredentialRotated> announced = new CopyOnWriteArrayList<>();

        @Override
        public List<String> notYetSwitched(Reference credential, String fingerprint) {
            String holds = held.get(credential);
            return holds == null || holds.equals(fingerprint) ? List.of()
                    : List.of("binding test-binding in cluster test-cluster: 1 namespace pending");
        }

        @EventListener
        void on(CredentialRotated event) {
            announced.add(event);
        }
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ManualScheduler scheduler;

    @Autowired
    SettableClock clock;

    @Autowired
    HeldPasswords users;

    @Autowired
    SecretCipher cipher;

    @Autowired
    RegistryTokenService tokenService;

    final AzureEmulator azure = AzureEmulator.shared();

    Api operator;
    String resourceId;
    EmulatedRegistry registry;
    String location;
    Reference token;

    @BeforeEach
    void aReadyToken() throws Exception {
        operator = Api.operator(mvc);
        resourceId = Registries.seeded();
        registry = azure.registry(resourceId).orElseThrow();
        MockHttpServletResponse registered = operator.post("/api/v1/registries",
                "{\"resourceId\": \"" + resourceId + "\"}").andReturn().getResponse();
        scheduler.runAnyDueExecutions();
        assertThat(TokenFixtures.state(jdbc, Registries.jobOf(registered))).isEqualTo("succeeded");
        MockHttpServletResponse created = operator.post(registered.getHeader("Location") + "/tokens",
                TokenFixtures.body("rotated")).andReturn().getResponse();
        scheduler.runAnyDueExecutions();
        assertThat(TokenFixtures.state(jdbc, Registries.jobOf(created))).isEqualTo("succeeded");
        location = created.getHeader("Location");
        token = new Reference("registry-token", TokenFixtures.idOf(location));
        users.announced.clear();
    }

    @Test
    void thePreviousPasswordIsRetiredOnlyOnceEveryUserHoldsTheNewOne() throws Exception {
        String first = password("password1");
        users.held.put(token, cipher.fingerprint(first));

        UUID job = rotate();
        scheduler.runAnyDueExecutions();

        String second = password("password2");
        String secondFingerprint = cipher.fingerprint(second);
        assertThat(password("password1")).as("password1 still works").isEqualTo(first);
        assertThat(users.announced).containsExactly(new CredentialRotated(token, secondFingerprint));
        assertThat(tokenService.pullCredential(token.id())).map(PullCredential::password).contains(second);
        assertThat(TokenFixtures.state(jdbc, job)).isEqualTo("queued");
        Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.status.phase").value("Provisioning"))
                .andExpect(jsonPath("$.status.message", startsWith("Waiting: 1 user still holds the previous password: "
                        + "binding test-binding in cluster test-cluster")))
                .andExpect(jsonPath("$.credential.slot").value("password2"))
                .andExpect(jsonPath("$.credential.retiringSlot").value("password1"))
                .andExpect(jsonPath("$.credential.fingerprint").value(secondFingerprint));

        // Still held after a poll: still waiting, nothing generated again.
        clock.set(clock.now().plus(POLL));
        scheduler.runAnyDueExecutions();
        assertThat(TokenFixtures.state(jdbc, job)).isEqualTo("queued");
        assertThat(password("password1")).isEqualTo(first);
        assertThat(password("password2")).isEqualTo(second);

        users.held.put(token, secondFingerprint);
        clock.set(clock.now().plus(POLL));
        scheduler.runAnyDueExecutions();

        assertThat(TokenFixtures.state(jdbc, job)).isEqualTo("succeeded");
        assertThat(password("password1")).as("password1 retired").isNotEqualTo(first);
        assertThat(password("password2")).isEqualTo(second);
        assertThat(generatedSlots()).containsExactly("password1", "password2", "password1");
        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.steps[*].name", contains("generate-password", "wait-for-users",
                        "retire-password")))
                .andExpect(jsonPath("$.steps[1].detail").value("every user holds the new password"))
                .andExpect(jsonPath("$.steps[1].polls").value(3));
        Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.credential.slot").value("password2"))
                .andExpect(jsonPath("$.credential.retiringSlot").value(nullValue()));

        // The next rotation uses slot password1 again, and retires password2.
        String third = rotateWithNobodyHoldingIt();
        assertThat(generatedSlots()).containsExactly("password1", "password2", "password1", "password1", "password2");
        assertThat(password("password1")).isEqualTo(third);
        assertThat(password("password2")).isNotEqualTo(second);
        Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.credential.slot").value("password1"))
                .andExpect(jsonPath("$.credential.fingerprint").value(cipher.fingerprint(third)));
    }

    @Test
    void aRotationGivesUpAfterTheSwitchTimeoutKeepingThePreviousPasswordAndCanBeResumed() throws Exception {
        String first = password("password1");
        users.held.put(token, cipher.fingerprint(first));
        UUID job = rotate();
        scheduler.runAnyDueExecutions();
        String second = password("password2");

        clock.set(clock.now().plus(Duration.ofMinutes(11)));
        scheduler.runAnyDueExecutions();

        assertThat(TokenFixtures.state(jdbc, job)).isEqualTo("failed");
        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.lastError.type").value("https://pullbridge.io/problems/credential-users-not-switched"))
                .andExpect(jsonPath("$.lastError.detail", containsString("after PT10M")))
                .andExpect(jsonPath("$.lastError.detail", containsString("the previous password (password1) keeps "
                        + "working")));
        assertThat(password("password1")).as("password1 still works").isEqualTo(first);
        Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.status.phase").value("Failed"))
                .andExpect(jsonPath("$.credential.slot").value("password2"))
                .andExpect(jsonPath("$.credential.retiringSlot").value("password1"));

        // Once the users hold the new password, asking again finishes the rotation without a third password.
        users.held.put(token, cipher.fingerprint(second));
        users.announced.clear();
        UUID resumed = rotate();
        assertThat(users.announced).containsExactly(new CredentialRotated(token, cipher.fingerprint(second)));
        scheduler.runAnyDueExecutions();

        assertThat(TokenFixtures.state(jdbc, resumed)).isEqualTo("succeeded");
        assertThat(generatedSlots()).containsExactly("password1", "password2", "password1");
        assertThat(password("password2")).isEqualTo(second);
        assertThat(password("password1")).isNotEqualTo(first);
        Api.reader(mvc).get("/api/v1/jobs/" + resumed)
                .andExpect(jsonPath("$.steps[*].name", contains("generate-password", "wait-for-users",
                        "retire-password")))
                .andExpect(jsonPath("$.steps[0].detail", containsString("not generated again")));
        assertThat(jdbc.sql("select detail from audit_events where action = 'registry-token.rotate' "
                        + "and resource_id = ? order by seq").param(token.id().toString()).query(String.class).list())
                .last().asString().contains("resumes the rotation to password2");
    }

    @Test
    void aTokenBeingDeletedLendsItsPasswordToNobody() throws Exception {
        assertThat(tokenService.pullCredential(token.id())).isPresent();
        operator.delete(location).andExpect(status().isAccepted());
        assertThat(tokenService.pullCredential(token.id())).isEmpty();
        operator.post(location + ":rotate", "").andExpect(status().isConflict());
        scheduler.runAnyDueExecutions();
        Api.reader(mvc).get(location).andExpect(status().isNotFound());
    }

    private UUID rotate() throws Exception {
        return Registries.jobOf(operator.post(location + ":rotate", "")
                .andExpect(status().isAccepted()).andReturn().getResponse());
    }

    private String rotateWithNobodyHoldingIt() throws Exception {
        users.held.remove(token);
        UUID job = rotate();
        scheduler.runAnyDueExecutions();
        assertThat(TokenFixtures.state(jdbc, job)).isEqualTo("succeeded");
        return password("password1");
    }

    private String password(String slot) {
        return registry.token("rotated").password(slot).value();
    }

    /** The slot of every password generated for the token, in order. */
    private List<String> generatedSlots() {
        return azure.requests(RecordedRequest.Surface.ARM).stream()
                .filter(request -> request.path().equals(resourceId + "/generateCredentials"))
                .map(request -> JsonPath.<String>read(request.body(), "$.name"))
                .toList();
    }
}
