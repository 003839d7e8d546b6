package io.pullbridge.registries;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.jobs.JobRef;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.lifecycle.ResourceLifecycle;
import io.pullbridge.common.ArmResourceId;
import io.pullbridge.common.AzureProperties;
import io.pullbridge.common.Phase;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.Filters;
import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.RequestContext;
import io.pullbridge.web.Violations;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Registries known to PullBridge: the scopes every grant and binding points at. */
@Service
public class RegistryService {

    private final RegistryRepository registries;
    private final ResourceLifecycle lifecycle;
    private final JobService jobs;
    private final AzureProperties azure;
    private final AuditLog audit;
    private final Clock clock;

    RegistryService(RegistryRepository registries, ResourceLifecycle lifecycle, JobService jobs,
                    AzureProperties azure, AuditLog audit, Clock clock) {
        this.registries = registries;
        this.lifecycle = lifecycle;
        this.jobs = jobs;
        this.azure = azure;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    Registry create(CreateRegistryRequest request) {
        Violations violations = new Violations();
        ArmResourceId resourceId = null;
        try {
            resourceId = ArmResourceId.parse(request.resourceId(), ArmResourceId.ResourceType.CONTAINER_REGISTRY);
        } catch (IllegalArgumentException e) {
            violations.add("resourceId", e.getMessage());
        }
        UUID tenantId = request.tenantId() != null ? request.tenantId() : azure.tenantId();
        violations.check(tenantId != null, "tenantId",
                "is required: no default tenant is configured (pullbridge.azure.tenant-id)");
        violations.throwIfAny();
        registries.findByResourceIdIgnoreCase(resourceId.toString()).ifPresent(existing -> {
            throw ApiException.alreadyExists("resourceId", "The registry " + existing.getResourceId()
                    + " is already registered as " + existing.getId());
        });
        String loginServer = resourceId.name().toLowerCase(Locale.ROOT) + azure.registrySuffix();
        Registry registry = new Registry(UUID.randomUUID(), resourceId, loginServer, tenantId, clock.instant(),
                RequestContext.actor());
        JobRef job = jobs.enqueue(JobRequest.of(RegistryJobs.CREATE, ResourceKinds.REGISTRY, registry.getId()));
        registry.getStatus().trackJob(job.id());
        registries.saveAndFlush(registry);
        audit.record("registry.create", ResourceKinds.REGISTRY, registry.getId(), registry.getResourceId());
        return registry;
    }

    /** Enqueues a job that lists the subscription's registries in Azure and registers the ones not known yet. */
    @Transactional
    JobRef discover(DiscoverRegistriesRequest request) {
        Violations violations = new Violations();
        violations.check(request.subscriptionId() != null, "subscriptionId", "is required");
        violations.check(request.resourceGroup() == null || ArmResourceId.isValidResourceGroup(request.resourceGroup()),
                "resourceGroup", "must be 1 to 90 letters, digits, underscores, hyphens, periods and parentheses, "
                        + "and must not end with a period");
        UUID tenantId = request.tenantId() != null ? request.tenantId() : azure.tenantId();
        violations.check(tenantId != null, "tenantId",
                "is required: no default tenant is configured (pullbridge.azure.tenant-id)");
        violations.throwIfAny();
        Map<String, String> data = new HashMap<>();
        data.put(RegistryJobs.TENANT, tenantId.toString());
        if (request.resourceGroup() != null) {
            data.put(RegistryJobs.RESOURCE_GROUP, request.resourceGroup());
        }
        JobRef job = jobs.enqueue(new JobRequest(RegistryJobs.DISCOVER, RegistryJobs.SUBSCRIPTION,
                request.subscriptionId(), data));
        audit.record("registry.discover-requested", RegistryJobs.SUBSCRIPTION, request.subscriptionId(),
                request.resourceGroup() == null ? null : "resource group " + request.resourceGroup());
        return job;
    }

    @Transactional(readOnly = true)
    Registry get(UUID id) {
        return registries.findById(id).orElseThrow(() -> ApiException.notFound(ResourceKinds.REGISTRY, id));
    }

    @Transactional(readOnly = true)
    PageResponse<RegistryResponse> list(String name, UUID subscriptionId, String resourceGroup, Phase phase,
                                        PageQuery page) {
        return page.fetch(registries, Specification.allOf(
                Filters.equalIgnoringCase("name", name),
                Filters.equal("subscriptionId", subscriptionId),
                Filters.equalIgnoringCase("resourceGroup", resourceGroup),
                Filters.phase(phase)), RegistryResponse::of);
    }

    /** Marks the registry Deleting and enqueues its delete job; refused while anything uses it. */
    @Transactional
    ResourceLifecycle.Deletion<Registry> delete(UUID id, String ifMatch) {
        registries.lockForDelete(id);
        return lifecycle.delete(ResourceKinds.REGISTRY, get(id), ifMatch, registries);
    }

    /** The registry with this id, for features that reference registries. */
    @Transactional(readOnly = true)
    public Optional<RegistryView> find(UUID id) {
        return registries.findById(id).map(RegistryService::view);
    }

    /**
     * The registry with this id, for a resource about to reference it: the row stays locked FOR SHARE until the
     * caller's transaction ends (see {@link ResourceLifecycle}). Call it before anything in the transaction loads the
     * registry: a row already loaded is not read again.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<RegistryView> findForUse(UUID id) {
        registries.lockForUse(id);
        return registries.findById(id).map(RegistryService::view);
    }

    static RegistryView view(Registry registry) {
        return new RegistryView(registry.getId(), registry.getName(), registry.getResourceId(),
                registry.getSubscriptionId(), registry.getLoginServer(), registry.getTenantId(),
                registry.getStatus().phase(), Boolean.TRUE.equals(registry.getAbacEnabled()));
    }
}
