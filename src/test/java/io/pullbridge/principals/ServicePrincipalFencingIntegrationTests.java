package io.pullbridge.principals;

import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import io.pullbridge.common.PullCredential;
import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.ManualScheduling;
import io.pullbridge.support.Principals;
import io.pullbridge.support.Registries;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.GraphApplication;
import io.pullbridge.support.azure.PasswordCredential;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * A service principal job whose runner stalls inside an Entra ID window (before it lists the passwords to clean up,
 * around Graph adding a password or making the application, before it records what Graph made), is presumed dead,
 * and is taken over by another replica, which finishes the job. When the first runner wakes up it must neither undo
 * what the new runner recorded nor leave behind what it made itself: the recorded password still signs in, the
 * application holds exactly that password, one application carries the principal's tag, and the job record is the
 * new runner's.
 */
@IntegrationTest
@Import({ManualScheduling.class, ServicePrincipalFencingIntegrationTests.Stalling.class})
class ServicePrincipalFencingIntegrationTests {

    /** Where in an Entra ID call the first runner stalls. */
    enum Point {
        /** Before Graph lists the passwords (the clean-up of unrecorded ones, right before a new one is added). */
        BEFORE_LISTING_PASSWORDS,
        /** After the step checked that the job is its own, before Graph adds the password. */
        BEFORE_ADDING_PASSWORD,
        /** After Graph added the password, before the runner records it. */
        AFTER_ADDING_PASSWORD,
        /** After the step checked that the job is its own, before Graph makes the application. */
        BEFORE_CREATING_APPLICATION,
        /** After Graph made the application, before the runner records it. */
        AFTER_CREATING_APPLICATION
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
    DataSource dataSource;

    @Autowired
    List<Task<?>> tasks;

    @Autowired
    ServicePrincipalService service;

    @Autowired
    StallingDirectory directory;

    @Autowired
    @Qualifier("azureEntraDirectory")
    EntraDirectory entra;

    final AzureEmulator azure = AzureEmulator.shared();
    final ExecutorService background = Executors.newSingleThreadExecutor();
    Registries.Registered registry;

    @BeforeEach
    void registry() throws Exception {
        String resourceId = Registries.seeded();
        var created = Api.operator(mvc).post("/api/v1/registries", "{\"resourceId\": \"" + resourceId + "\"}")
                .andReturn().getResponse();
        UUID job = Registries.jobOf(created);
        scheduler.runAnyDueExecutions();
        assertThat(Principals.state(jdbc, job)).isEqualTo("succeeded");
        String location = created.getHeader("Location");
        registry = new Registries.Registered(UUID.fromString(location.substring(location.lastIndexOf('/') + 1)),
                location, resourceId, null, job);
    }

    @AfterEach
    void stop() {
        directory.release();
        background.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(Point.class)
    void aCreateJobsRunnerPresumedDeadNeitherUndoesNorLeaksWhatTheRunnerThatTookOverRecorded(Point point)
            throws Exception {
        directory.stallAt(point);
        Principals.Accepted created = Principals.accepted(Api.operator(mvc).post("/api/v1/service-principals",
                """
                {"mode": "create", "displayName": "fenced-%s", "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                        .formatted(UUID.randomUUID(), registry.id())));

        takenOverWhileStalled(created.job());

        assertOnlyTheRecordedPasswordAndApplication(created.id());
    }

    @ParameterizedTest
    @EnumSource(value = Point.class, names = {"BEFORE_LISTING_PASSWORDS", "BEFORE_ADDING_PASSWORD",
            "AFTER_ADDING_PASSWORD"})
    void aRotationsRunnerPresumedDeadNeitherUndoesNorLeaksWhatTheRunnerThatTookOverRecorded(Point point)
            throws Exception {
        Principals.Accepted created = Principals.accepted(Api.operator(mvc).post("/api/v1/service-principals",
                """
                {"mode": "create", "displayName": "fenced-%s", "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                        .formatted(UUID.randomUUID(), registry.id())));
        scheduler.runAnyDueExecutions();
        assertThat(Principals.state(jdbc, created.job())).isEqualTo("succeeded");
        String before = service.pullCredential(created.id()).orElseThrow().password();

        directory.stallAt(point);
        UUID rotation = Principals.rotation(Api.operator(mvc).post(created.location() + ":rotate", ""));

        takenOverWhileStalled(rotation);

        assertThat(assertOnlyTheRecordedPasswordAndApplication(created.id()).password()).isNotEqualTo(before);
    }

    /**
     * Runs the job on replica A until it stalls, lets replica B take it over (A stopped heartbeating) and finish it,
     * then wakes A up and waits for it to stop; the job record must be as B left it.
     */
    private void takenOverWhileStalled(UUID job) throws Exception {
        Future<?> replicaA = background.submit(scheduler::runAnyDueExecutions);
        directory.awaitStalled();

        ManualScheduler replicaB = ManualScheduling.replica(dataSource, tasks, clock);
        clock.tick(Duration.ofHours(1));
        replicaB.runDeadExecutionDetection();
        replicaB.runAnyDueExecutions();
        assertThat(Principals.state(jdbc, job)).as("job %s, last error %s", job, Principals.lastError(jdbc, job))
                .isEqualTo("succeeded");
        String recordOfB = jobRecord(job);

        directory.release();
        replicaA.get(30, TimeUnit.SECONDS);

        assertThat(jobRecord(job)).as("the job record after A woke up").isEqualTo(recordOfB);
    }

    private PullCredential assertOnlyTheRecordedPasswordAndApplication(UUID principal) {
        PullCredential recorded = service.pullCredential(principal).orElseThrow();
        assertThatCode(() -> entra.provePossession(UUID.fromString(azure.tenantId()),
                UUID.fromString(recorded.username()), recorded.password()))
                .as("the recorded password signs in").doesNotThrowAnyException();
        List<GraphApplication> tagged = azure.applications().stream()
                .filter(application -> application.tags().contains("pullbridge:" + principal)).toList();
        assertThat(tagged).as("applications tagged with the principal").singleElement()
                .satisfies(application -> {
                    assertThat(application.appId()).isEqualTo(recorded.username());
                    assertThat(application.passwords()).extracting(PasswordCredential::secretText)
                            .as("the application's passwords").containsExactly(recorded.password());
                });
        return recorded;
    }

    private String jobRecord(UUID job) {
        return jdbc.sql("select row_to_json(j)::text from jobs j where id = ?").param(job).query(String.class)
                .single();
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Stalling {

        @Bean
        @Primary
        StallingDirectory stallingDirectory(@Qualifier("azureEntraDirectory") EntraDirectory azure) {
            return new StallingDirectory(azure);
        }
    }

    /** The real adapter, whose next call at the armed point stalls, as a runner frozen there would. */
    static final class StallingDirectory implements EntraDirectory {

        private final EntraDirectory delegate;
        private final AtomicReference<Point> armed = new AtomicReference<>();
        private volatile CountDownLatch stalled = new CountDownLatch(1);
        private volatile CountDownLatch released = new CountDownLatch(1);

        StallingDirectory(EntraDirectory delegate) {
            this.delegate = delegate;
        }

        void stallAt(Point point) {
            stalled = new CountDownLatch(1);
            released = new CountDownLatch(1);
            armed.set(point);
        }

        void awaitStalled() throws InterruptedException {
            assertThat(stalled.await(30, TimeUnit.SECONDS)).as("runner A stalled at " + armed.get()).isTrue();
        }

        void release() {
            armed.set(null);
            released.countDown();
        }

        private void stallIf(Point point) {
            if (armed.compareAndSet(point, null)) {
                stalled.countDown();
                try {
                    released.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public List<PasswordInfo> passwords(UUID applicationObjectId) {
            stallIf(Point.BEFORE_LISTING_PASSWORDS);
            return delegate.passwords(applicationObjectId);
        }

        @Override
        public NewPassword addPassword(UUID applicationObjectId, String displayName, Instant expiresAt) {
            stallIf(Point.BEFORE_ADDING_PASSWORD);
            NewPassword added = delegate.addPassword(applicationObjectId, displayName, expiresAt);
            stallIf(Point.AFTER_ADDING_PASSWORD);
            return added;
        }

        @Override
        public DirectoryApplication createApplication(String displayName, String tag) {
            stallIf(Point.BEFORE_CREATING_APPLICATION);
            DirectoryApplication made = delegate.createApplication(displayName, tag);
            stallIf(Point.AFTER_CREATING_APPLICATION);
            return made;
        }

        @Override
        public Optional<DirectoryPrincipal> findByAppId(UUID appId) {
            return delegate.findByAppId(appId);
        }

        @Override
        public Optional<DirectoryPrincipal> findByObjectId(UUID servicePrincipalObjectId) {
            return delegate.findByObjectId(servicePrincipalObjectId);
        }

        @Override
        public boolean applicationExists(String displayName) {
            return delegate.applicationExists(displayName);
        }

        @Override
        public List<DirectoryApplication> findApplicationsByTag(String tag) {
            return delegate.findApplicationsByTag(tag);
        }

        @Override
        public DirectoryPrincipal createServicePrincipal(DirectoryApplication application) {
            return delegate.createServicePrincipal(application);
        }

        @Override
        public void removePassword(UUID applicationObjectId, UUID keyId) {
            delegate.removePassword(applicationObjectId, keyId);
        }

        @Override
        public void provePossession(UUID tenantId, UUID appId, String password) {
            delegate.provePossession(tenantId, appId, password);
        }

        @Override
        public void deleteApplicationAndPrincipal(UUID applicationObjectId, UUID servicePrincipalObjectId) {
            delegate.deleteApplicationAndPrincipal(applicationObjectId, servicePrincipalObjectId);
        }
    }
}
