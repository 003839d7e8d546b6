package io.pullbridge.webhooks;

import io.pullbridge.common.Condition;
import io.pullbridge.common.ResourceEntity;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.common.ResourceStatus;
import io.pullbridge.jobs.JobService;
import io.pullbridge.jobs.JobState;
import io.pullbridge.jobs.JobStateChanged;
import io.pullbridge.lifecycle.ManagedResources;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns what happens into webhook events, in the transaction where it happens: a job's end ({@code job.succeeded},
 * {@code job.failed}; a rotation job's success is also {@code credential.rotated}), and, once the jobs of a binding or
 * a cluster have ended and its status is settled for the transaction, a binding's new phase
 * ({@code binding.phase-changed}) or a cluster's {@code Reachable} condition turning {@code False}
 * ({@code cluster.unreachable}). It listens to the job engine's {@link JobStateChanged} only, so no feature knows it.
 */
@Component
class WebhookEmitter {

    private static final Set<String> CREDENTIAL_KINDS = Set.of(ResourceKinds.REGISTRY_TOKEN,
            ResourceKinds.SERVICE_PRINCIPAL);
    private static final Set<JobState> ENDED = Set.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED);
    private static final String WEBHOOK_JOBS = "webhook.";
    /** The phase a binding.phase-changed event names once the binding's delete job has removed it. */
    static final String DELETED = "Deleted";

    private final WebhookOutbox outbox;
    private final JobService jobs;
    private final JsonMapper json;
    private final ObjectProvider<ManagedResources> resources;

    WebhookEmitter(WebhookOutbox outbox, JobService jobs, JsonMapper json, ObjectProvider<ManagedResources> resources) {
        this.outbox = outbox;
        this.jobs = jobs;
        this.json = json;
        this.resources = resources;
    }

    @EventListener
    void jobChanged(JobStateChanged event) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            return;
        }
        if (event.type().equals(WebhookOutbox.DELIVER)
                && (event.state() == JobState.FAILED || event.state() == JobState.CANCELLED)) {
            outbox.gaveUp(event.targetId(), event.jobId());
        }
        if (event.type().startsWith(WEBHOOK_JOBS)) {
            // Webhooks' own jobs are not news: a delivery's end would be an event to deliver, and so on.
            return;
        }
        boolean rotated = event.state() == JobState.SUCCEEDED && event.type().endsWith(".rotate")
                && CREDENTIAL_KINDS.contains(event.targetKind());
        WebhookEventType ended = switch (event.state()) {
            case SUCCEEDED -> WebhookEventType.JOB_SUCCEEDED;
            case FAILED -> WebhookEventType.JOB_FAILED;
            default -> null;
        };
        boolean endWanted = ended != null && outbox.wanted(ended);
        boolean rotationWanted = rotated && outbox.wanted(WebhookEventType.CREDENTIAL_ROTATED);
        if (!endWanted && !rotationWanted) {
            return;
        }
        ObjectNode job = job(event.jobId());
        String correlationId = correlationId(job);
        if (endWanted) {
            ObjectNode data = json.createObjectNode();
            data.set("job", job);
            outbox.publish(ended, "/api/v1/jobs/" + event.jobId(), subject(event.targetKind(), event.targetId()),
                    correlationId, data);
        }
        if (rotationWanted) {
            ObjectNode data = json.createObjectNode();
            ObjectNode credential = data.putObject("credential");
            credential.put("kind", event.targetKind());
            credential.put("id", event.targetId().toString());
            data.put("jobId", event.jobId().toString());
            outbox.publish(WebhookEventType.CREDENTIAL_ROTATED, "/api/v1/jobs/" + event.jobId(),
                    subject(event.targetKind(), event.targetId()), correlationId, data);
        }
    }

    /*
     * Before commit, so the resource's status is what this transaction leaves it with: the lifecycle's listener (and
     * a probe's own write) have moved it by then. A binding's phase counts only when a job has ended: every job passes
     * it through Provisioning, and a reconcile that changes nothing must not be news. A cluster's reachability counts
     * at every move of its jobs, since a connect job sets Reachable=False at a failed attempt and retries for long.
     */
    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
    void resourceSettled(JobStateChanged event) {
        boolean binding = event.targetKind().equals(ResourceKinds.BINDING);
        boolean cluster = event.targetKind().equals(ResourceKinds.CLUSTER);
        if (!(cluster || binding && ENDED.contains(event.state())) || !outbox.wanted(binding
                ? WebhookEventType.BINDING_PHASE_CHANGED : WebhookEventType.CLUSTER_UNREACHABLE)) {
            return;
        }
        Optional<? extends ResourceEntity> found = resources.orderedStream()
                .filter(kind -> kind.kind().equals(event.targetKind()))
                .findFirst()
                .flatMap(kind -> kind.find(event.targetId()));
        if (found.isEmpty()) {
            Optional<WebhookOutbox.Watched> last = outbox.forget(event.targetId());
            if (binding && last.isPresent()) {
                phaseChanged(event, DELETED, last.get().phase(), "The binding was deleted");
            }
            return;
        }
        ResourceStatus status = found.get().getStatus();
        Optional<Condition> unreachable = status.conditions().stream()
                .filter(condition -> condition.type().equals("Reachable") && condition.status().equals("False"))
                .findFirst();
        String phase = status.phase().name();
        Optional<WebhookOutbox.Watched> before = outbox.watch(event.targetKind(), event.targetId(), phase,
                unreachable.isPresent());
        // Every resource starts Pending: a first look at one that has moved on is a change from there.
        String previous = before.map(WebhookOutbox.Watched::phase).orElse("Pending");
        boolean wasUnreachable = before.map(WebhookOutbox.Watched::unreachable).orElse(false);
        if (binding && !previous.equals(phase)) {
            phaseChanged(event, phase, previous, status.message());
        }
        if (cluster && unreachable.isPresent() && !wasUnreachable) {
            ObjectNode data = json.createObjectNode();
            ObjectNode shown = data.putObject("cluster");
            shown.put("id", event.targetId().toString());
            shown.put("phase", phase);
            shown.put("reason", unreachable.get().reason());
            shown.put("message", unreachable.get().message());
            data.put("jobId", event.jobId().toString());
            outbox.publish(WebhookEventType.CLUSTER_UNREACHABLE, "/api/v1/clusters/" + event.targetId(),
                    subject(event.targetKind(), event.targetId()), correlationId(job(event.jobId())), data);
        }
    }

    private void phaseChanged(JobStateChanged event, String phase, String previous, String message) {
        ObjectNode data = json.createObjectNode();
        ObjectNode shown = data.putObject("binding");
        shown.put("id", event.targetId().toString());
        shown.put("phase", phase);
        shown.put("previousPhase", previous);
        shown.put("message", message);
        data.put("jobId", event.jobId().toString());
        data.put("jobType", event.type());
        outbox.publish(WebhookEventType.BINDING_PHASE_CHANGED, "/api/v1/bindings/" + event.targetId(),
                subject(event.targetKind(), event.targetId()), correlationId(job(event.jobId())), data);
    }

    /** The job as {@code GET /api/v1/jobs/{id}} shows it, less its steps and handler data. */
    private ObjectNode job(UUID jobId) {
        ObjectNode job = jobs.find(jobId).map(found -> (ObjectNode) json.valueToTree(found))
                .orElseGet(() -> json.createObjectNode().put("id", jobId.toString()));
        job.remove("steps");
        job.remove("data");
        job.remove("runner");
        return job;
    }

    /**
     * The ticket the job's request carried, when jobs record one ({@code correlationId} on the job as the API shows
     * it), so events carry it as the CloudEvents extension attribute {@code correlationid}.
     */
    private static String correlationId(JsonNode job) {
        JsonNode value = job.get("correlationId");
        return value != null && value.isString() ? value.asString() : null;
    }

    private static String subject(String kind, UUID id) {
        return kind + "/" + id;
    }
}
