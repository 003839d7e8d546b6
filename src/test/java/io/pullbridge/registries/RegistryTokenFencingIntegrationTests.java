package io.pullbridge.registries;

import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.ManualScheduling;
import io.pullbridge.support.Registries;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A token rotation whose runner stalls right after ACR generated the new password, is presumed dead, and is taken
 * over by another replica, which generates that password again: when the first runner wakes up, its write of the
 * password ACR no longer holds is refused, so what PullBridge stores is what ACR accepts.
 */
@IntegrationTest
@Import({ManualScheduling.class, RegistryTokenFencingIntegrationTests.Stalling.class})
class RegistryTokenFencingIntegrationTests {

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ManualScheduler scheduler;

    @Autowired
    SettableClock clock;

    @Autowired
    DataSource dataSource;

    @Autowired
    List<Task<?>> tasks;

    @Autowired
    SecretCipher cipher;

    @Autowired
    StallingTokenStore store;

    final ExecutorService background = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        store.release();
        background.shutdownNow();
    }

    @Test
    void aRunnerPresumedDeadCannotStoreATokenPasswordThatAcrHasSinceRegenerated() throws Exception {
        String resourceId = Registries.seeded();
        EmulatedRegistry registry = AzureEmulator.shared().registry(resourceId).orElseThrow();
        UUID registryId = accepted(Api.operator(mvc).post("/api/v1/registries",
                "{\"resourceId\": \"" + resourceId + "\"}"));
        String location = location(Api.operator(mvc).post("/api/v1/registries/" + registryId + "/tokens",
                TokenFixtures.body("team-a-pull")));
        UUID token = TokenFixtures.idOf(location);
        assertThat(fingerprint(token)).isEqualTo(cipher.fingerprint(registry.token("team-a-pull")
                .password("password1").value()));

        store.stallNextGeneration();
        UUID rotation = jobOf(Api.operator(mvc).post(location + ":rotate", "").andExpect(status().isAccepted())
                .andReturn().getResponse());
        Future<?> replicaA = background.submit(scheduler::runAnyDueExecutions);
        String generatedByA = store.awaitStalled();
        assertThat(registry.token("team-a-pull").password("password2").value()).isEqualTo(generatedByA);

        // Replica A stops heartbeating; replica B takes the rotation over and generates password2 again.
        ManualScheduler replicaB = ManualScheduling.replica(dataSource, tasks, clock);
        clock.tick(Duration.ofHours(1));
        replicaB.runDeadExecutionDetection();
        replicaB.runAnyDueExecutions();
        assertThat(state(rotation)).isEqualTo("succeeded");
        String generatedByB = registry.token("team-a-pull").password("password2").value();
        assertThat(generatedByB).isNotEqualTo(generatedByA);

        // A wakes up with the password ACR no longer accepts: its write is refused.
        store.release();
        replicaA.get(10, TimeUnit.SECONDS);

        assertThat(fingerprint(token)).isEqualTo(cipher.fingerprint(generatedByB))
                .isNotEqualTo(cipher.fingerprint(generatedByA));
        assertThat(jdbc.sql("select credential_slot from registry_tokens where id = ?").param(token)
                .query(String.class).single()).isEqualTo("password2");
        assertThat(jdbc.sql("select count(*) from audit_events where resource_id = ? and action = "
                        + "'registry-token.password-generated' and detail like 'password2%'")
                .param(token.toString()).query(Long.class).single()).isOne();
        assertThat(state(rotation)).isEqualTo("succeeded");
    }

    private UUID accepted(org.springframework.test.web.servlet.ResultActions result) throws Exception {
        MockHttpServletResponse response = result.andExpect(status().isAccepted()).andReturn().getResponse();
        UUID job = jobOf(response);
        scheduler.runAnyDueExecutions();
        assertThat(state(job)).isEqualTo("succeeded");
        String location = response.getHeader(HttpHeaders.LOCATION);
        return UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
    }

    private String location(org.springframework.test.web.servlet.ResultActions result) throws Exception {
        MockHttpServletResponse response = result.andExpect(status().isAccepted()).andReturn().getResponse();
        UUID job = jobOf(response);
        scheduler.runAnyDueExecutions();
        assertThat(state(job)).isEqualTo("succeeded");
        return response.getHeader(HttpHeaders.LOCATION);
    }

    private static UUID jobOf(MockHttpServletResponse response) {
        return Registries.jobOf(response);
    }

    private String state(UUID job) {
        return jdbc.sql("select state from jobs where id = ?").param(job).query(String.class).single();
    }

    private String fingerprint(UUID token) {
        return jdbc.sql("select credential_fingerprint from registry_tokens where id = ?").param(token)
                .query(String.class).single();
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Stalling {

        @Bean
        @Primary
        StallingTokenStore stallingTokenStore(@Qualifier("azureRegistryTokenStore") RegistryTokenStore azure) {
            return new StallingTokenStore(azure);
        }
    }

    /** The real adapter, whose next password generation can stall after ACR answered, as a frozen runner would. */
    static final class StallingTokenStore implements RegistryTokenStore {

        private final RegistryTokenStore delegate;
        private volatile boolean stallNext;
        private final CountDownLatch stalled = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicReference<String> stalledWith = new AtomicReference<>();

        StallingTokenStore(RegistryTokenStore delegate) {
            this.delegate = delegate;
        }

        void stallNextGeneration() {
            stallNext = true;
        }

        String awaitStalled() throws InterruptedException {
            assertThat(stalled.await(30, TimeUnit.SECONDS)).as("a generation stalled").isTrue();
            return stalledWith.get();
        }

        void release() {
            released.countDown();
        }

        @Override
        public GeneratedPassword generatePassword(String registryResourceId, String tokenName, PasswordSlot slot,
                                                  Instant expiry) {
            GeneratedPassword generated = delegate.generatePassword(registryResourceId, tokenName, slot, expiry);
            if (stallNext) {
                stallNext = false;
                stalledWith.set(generated.value());
                stalled.countDown();
                try {
                    released.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return generated;
        }

        @Override
        public void putScopeMap(String registryResourceId, String scopeMapName, Map<String, List<String>> repositories) {
            delegate.putScopeMap(registryResourceId, scopeMapName, repositories);
        }

        @Override
        public void putToken(String registryResourceId, String tokenName, String scopeMapName) {
            delegate.putToken(registryResourceId, tokenName, scopeMapName);
        }

        @Override
        public Optional<Set<PasswordSlot>> readPasswordSlots(String registryResourceId, String tokenName) {
            return delegate.readPasswordSlots(registryResourceId, tokenName);
        }

        @Override
        public void deleteToken(String registryResourceId, String tokenName) {
            delegate.deleteToken(registryResourceId, tokenName);
        }

        @Override
        public void deleteScopeMap(String registryResourceId, String scopeMapName) {
            delegate.deleteScopeMap(registryResourceId, scopeMapName);
        }
    }
}
