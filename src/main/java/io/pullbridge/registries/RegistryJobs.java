package io.pullbridge.registries;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.common.ArmResourceId;
import io.pullbridge.common.Phase;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobHandler;
import io.pullbridge.jobs.JobResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * The registries' jobs. {@code registry.create} reads the registry from Azure and records what Azure says (login
 * server, SKU, location, ABAC, data endpoint); {@code registry.discover} lists a subscription's registries and
 * registers those PullBridge does not know yet, already read.
 */
@Component
class RegistryJobs implements JobHandler {

    static final String CREATE = "registry.create";
    static final String DISCOVER = "registry.discover";
    static final String SUBSCRIPTION = "subscription";
    static final String TENANT = "tenantId";
    static final String RESOURCE_GROUP = "resourceGroup";

    private final RegistryRepository registries;
    private final RegistryDirectory directory;
    private final AuditLog audit;
    private final Clock clock;

    RegistryJobs(RegistryRepository registries, RegistryDirectory directory, AuditLog audit, Clock clock) {
        this.registries = registries;
        this.directory = directory;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public Set<String> types() {
        return Set.of(CREATE, DISCOVER);
    }

    @Override
    public JobResult handle(JobContext context) throws Exception {
        return context.type().equals(DISCOVER) ? discover(context) : verify(context);
    }

    private JobResult verify(JobContext context) throws Exception {
        String resourceId = registries.findById(context.targetId()).map(Registry::getResourceId).orElse(null);
        if (resourceId == null) {
            return JobResult.done("the registry was removed before it could be read");
        }
        AtomicReference<RegistryDirectory.RegistryFacts> read = new AtomicReference<>();
        context.step("read-registry", () -> {
            RegistryDirectory.RegistryFacts facts = directory.read(resourceId).orElseThrow(() -> notFound(resourceId));
            read.set(facts);
            return "sku " + facts.sku() + ", location " + facts.location() + (facts.abacEnabled() ? ", ABAC" : "");
        });
        context.step("record", () -> {
            context.fenced(() -> registries.findById(context.targetId()).ifPresent(registry -> {
                registry.observe(read.get());
                registry.touched(clock.instant());
            }));
            return null;
        });
        RegistryDirectory.RegistryFacts facts = read.get();
        return JobResult.done(facts.loginServer() + " (" + facts.sku() + ", " + facts.location() + ")");
    }

    private JobResult discover(JobContext context) throws Exception {
        UUID subscription = context.targetId();
        String resourceGroup = context.data().get(RESOURCE_GROUP);
        UUID tenant = UUID.fromString(context.data().get(TENANT));
        List<RegistryDirectory.RegistryFacts> found = new ArrayList<>();
        context.step("list-registries", () -> {
            found.addAll(directory.list(subscription, resourceGroup));
            return found.size() + " registr" + (found.size() == 1 ? "y" : "ies") + " in subscription " + subscription
                    + (resourceGroup == null ? "" : ", resource group " + resourceGroup);
        });
        int[] imported = new int[1];
        context.step("register-new", () -> {
            for (RegistryDirectory.RegistryFacts facts : found) {
                ArmResourceId id = ArmResourceId.parse(facts.resourceId(), ArmResourceId.ResourceType.CONTAINER_REGISTRY);
                Boolean added = context.fenced(() -> {
                    if (registries.findByResourceIdIgnoreCase(id.toString()).isPresent()) {
                        return false;
                    }
                    Registry registry = new Registry(UUID.randomUUID(), id, facts.loginServer(), tenant,
                            clock.instant(), context.requestedBy());
                    registry.observe(facts);
                    registry.getStatus().moveTo(Phase.Ready, "Discovered in Azure by job " + context.jobId());
                    registry.getStatus().observed(clock.instant());
                    registry.getStatus().trackJob(context.jobId());
                    registries.saveAndFlush(registry);
                    audit.recordBy(context.requestedBy(), "registry.create", ResourceKinds.REGISTRY,
                            registry.getId(), AuditLog.SUCCESS, "discovered: " + registry.getResourceId());
                    return true;
                });
                if (Boolean.TRUE.equals(added)) {
                    imported[0]++;
                }
            }
            return imported[0] + " registered, " + (found.size() - imported[0]) + " already known";
        });
        return JobResult.done(imported[0] + " registered, " + (found.size() - imported[0]) + " already known");
    }

    private static JobFailure notFound(String resourceId) {
        ArmResourceId id = ArmResourceId.parse(resourceId, ArmResourceId.ResourceType.CONTAINER_REGISTRY);
        return JobFailure.permanent("azure-registry-not-found", "The registry does not exist", 404,
                "No registry " + id.name() + " in resource group " + id.resourceGroup() + " of subscription "
                        + id.subscriptionId() + ", or PullBridge's identity may not read it (it needs Reader on the "
                        + "registry); check the resource id, then retry the job");
    }
}
