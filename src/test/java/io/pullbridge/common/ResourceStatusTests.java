package io.pullbridge.common;

import java.time.Instant;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A resource's status follows its latest job, except that a resource being deleted stays Deleting. */
class ResourceStatusTests {

    private static final Instant NOW = Instant.parse("2026-11-23T10:15:30Z");

    private final UUID job = UUID.randomUUID();

    @Test
    void aRunningJobMakesTheResourceProvisioning() {
        ResourceStatus status = ResourceStatus.pending("Waiting for PullBridge");

        status.jobRunning(job, NOW);

        assertThat(status.phase()).isEqualTo(Phase.Provisioning);
        assertThat(status.message()).isEqualTo("PullBridge is working on it");
        assertThat(status.jobId()).isEqualTo(job);
        assertThat(status.observedAt()).isEqualTo(NOW);
    }

    @Test
    void aSucceededJobLeavesTheResourceDegradedWhileADegradedConditionIsTrueAndReadyOnceItClears() {
        ResourceStatus status = ResourceStatus.pending("Waiting for PullBridge");
        status.setCondition(new Condition(ResourceStatus.DEGRADED, "True", "SecretConflict", "1 namespace", NOW));

        status.jobSucceeded(job, "written to 9 of 10 namespaces", NOW);
        assertThat(status.phase()).isEqualTo(Phase.Degraded);

        status.setCondition(new Condition(ResourceStatus.DEGRADED, "False", "AllWritten", "10 namespaces", NOW));
        status.jobSucceeded(job, "written to 10 namespaces", NOW);
        assertThat(status.phase()).isEqualTo(Phase.Ready);
        assertThat(status.conditions()).extracting(Condition::type).containsOnlyOnce(ResourceStatus.DEGRADED);
    }

    @Test
    void aSucceededJobMakesTheResourceReadyWithWhatTheJobSaid() {
        ResourceStatus status = ResourceStatus.pending("Waiting for PullBridge");
        status.jobRunning(job, NOW);

        status.jobSucceeded(job, "registry found", NOW.plusSeconds(5));

        assertThat(status.phase()).isEqualTo(Phase.Ready);
        assertThat(status.message()).isEqualTo("registry found");
        assertThat(status.jobId()).isEqualTo(job);
        assertThat(status.observedAt()).isEqualTo(NOW.plusSeconds(5));
    }

    @Test
    void aFailedJobMakesTheResourceFailedAndSaysWhy() {
        ResourceStatus status = ResourceStatus.pending("Waiting for PullBridge");
        status.jobRunning(job, NOW);

        status.jobFailed(job, "The registry does not exist", NOW);

        assertThat(status.phase()).isEqualTo(Phase.Failed);
        assertThat(status.message()).isEqualTo("The registry does not exist");
        assertThat(status.jobId()).isEqualTo(job);
    }

    @Test
    void aJobCancelledWhileProvisioningPutsTheResourceBackToPending() {
        ResourceStatus status = ResourceStatus.pending("Waiting for PullBridge");
        status.jobRunning(job, NOW);

        status.jobCancelled(job, NOW);

        assertThat(status.phase()).isEqualTo(Phase.Pending);
        assertThat(status.message()).isEqualTo("The job was cancelled");
        assertThat(status.jobId()).isEqualTo(job);
    }

    @Test
    void aJobCancelledBeforeItRanLeavesAReadyResourceReady() {
        ResourceStatus status = ResourceStatus.pending("Waiting for PullBridge");
        status.moveTo(Phase.Ready, "registry found");

        status.jobCancelled(job, NOW);

        assertThat(status.phase()).isEqualTo(Phase.Ready);
        assertThat(status.message()).isEqualTo("The job was cancelled");
    }

    @Test
    void aQueuedJobSaysWhatItWaitsForAndKeepsTheMessageWhenItSaysNothing() {
        ResourceStatus status = ResourceStatus.pending("Waiting for PullBridge");

        status.jobQueued(job, null, NOW);
        assertThat(status.phase()).isEqualTo(Phase.Pending);
        assertThat(status.message()).isEqualTo("Waiting for PullBridge");

        status.jobQueued(job, "Azure throttled the request", NOW);
        assertThat(status.phase()).isEqualTo(Phase.Pending);
        assertThat(status.message()).isEqualTo("Waiting: Azure throttled the request");
        assertThat(status.jobId()).isEqualTo(job);
    }

    static Stream<Named<BiConsumer<ResourceStatus, UUID>>> everyJobOutcome() {
        String message = "Still used by binding 42";
        return Stream.of(
                Named.of("queued", (status, job) -> status.jobQueued(job, message, NOW)),
                Named.of("running", (status, job) -> status.jobRunning(job, NOW)),
                Named.of("succeeded", (status, job) -> status.jobSucceeded(job, message, NOW)),
                Named.of("failed", (status, job) -> status.jobFailed(job, message, NOW)),
                Named.of("cancelled", (status, job) -> status.jobCancelled(job, NOW)));
    }

    @ParameterizedTest
    @MethodSource("everyJobOutcome")
    void aResourceBeingDeletedStaysDeletingWhateverItsJobDoes(BiConsumer<ResourceStatus, UUID> outcome) {
        ResourceStatus status = deleting();

        outcome.accept(status, job);

        assertThat(status.phase()).isEqualTo(Phase.Deleting);
        assertThat(status.jobId()).isEqualTo(job);
        assertThat(status.observedAt()).isEqualTo(NOW);
    }

    @Test
    void aFailedDeleteSaysSoInTheMessage() {
        ResourceStatus status = deleting();
        status.jobRunning(job, NOW);
        assertThat(status.message()).isEqualTo("Removing what PullBridge created");

        status.jobFailed(job, "Still used by binding 42", NOW);

        assertThat(status.phase()).isEqualTo(Phase.Deleting);
        assertThat(status.message()).isEqualTo("Delete failed: Still used by binding 42");
    }

    @Test
    void aCancelledDeleteSaysHowToRetry() {
        ResourceStatus status = deleting();

        status.jobCancelled(job, NOW);

        assertThat(status.phase()).isEqualTo(Phase.Deleting);
        assertThat(status.message()).isEqualTo("Delete cancelled; delete again to retry");
    }

    private ResourceStatus deleting() {
        ResourceStatus status = ResourceStatus.pending("Waiting for PullBridge");
        status.moveTo(Phase.Deleting, "Waiting for PullBridge to remove what it created");
        status.trackJob(job);
        return status;
    }
}
