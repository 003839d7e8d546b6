package io.pullbridge.lifecycle;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceEntity;
import io.pullbridge.common.ResourceReferences;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobHandler;
import io.pullbridge.jobs.JobResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Runs {@code <kind>.delete} jobs for every kind of resource: checks nothing uses the resource any more, lets its
 * feature remove what PullBridge created outside, and removes the row last.
 */
@Component
class ResourceDeleteHandler implements JobHandler {

    private final Map<String, ManagedResources> kinds;
    private final List<ResourceReferences> references;
    private final AuditLog audit;

    ResourceDeleteHandler(List<ManagedResources> kinds, List<ResourceReferences> references, AuditLog audit) {
        this.kinds = kinds.stream().collect(Collectors.toMap(ManagedResources::kind, Function.identity()));
        this.references = references;
        this.audit = audit;
    }

    @Override
    public Set<String> types() {
        return kinds.keySet().stream().map(ResourceLifecycle::deleteType).collect(Collectors.toSet());
    }

    @Override
    public JobResult handle(JobContext context) throws Exception {
        ManagedResources resources = kinds.get(context.targetKind());
        UUID id = context.targetId();
        context.step("check-references", () -> {
            List<Reference> blockers = references.stream()
                    .flatMap(source -> source.referencesTo(context.targetKind(), id).stream())
                    .toList();
            if (!blockers.isEmpty()) {
                throw JobFailure.permanent("resource-in-use", "The resource is in use", 409,
                        "Still used by " + blockers.stream().map(b -> b.kind() + " " + b.id())
                                .collect(Collectors.joining(", ")) + "; remove them, then retry this job");
            }
            return null;
        });
        Optional<JobResult.RetryAfter> wait = resources.cleanUpOrWait(id, context);
        if (wait.isPresent()) {
            return wait.get();
        }
        context.step("remove-record", () -> context.fenced(() -> {
            Optional<? extends ResourceEntity> resource = resources.find(id);
            if (resource.isEmpty()) {
                return "already removed";
            }
            String detail = resources.describe(resource.get());
            resources.remove(resource.get());
            audit.recordBy(context.requestedBy(), context.targetKind() + ".delete", context.targetKind(), id,
                    AuditLog.SUCCESS, detail);
            return null;
        }));
        return JobResult.done("removed");
    }
}
