package io.pullbridge.bindings;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.clusters.ClusterService;
import io.pullbridge.clusters.ClusterView;
import io.pullbridge.common.Phase;
import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobRef;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.lifecycle.ResourceLifecycle;
import io.pullbridge.registries.RegistryService;
import io.pullbridge.registries.RegistryView;
import io.pullbridge.registry.ImageReference;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.Filters;
import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.ProblemType;
import io.pullbridge.web.RequestContext;
import io.pullbridge.web.Violations;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Bindings: "cluster C may pull from registry R, by method M". Checks a binding's spec in order: its syntax
 * (400), the resources it names (422 when unknown), whether they fit the method (422), and that no other
 * binding already does the same thing (409).
 */
@Service
public class BindingService {

    private final BindingRepository bindings;
    private final RegistryService registries;
    private final ClusterService clusters;
    private final ResourceLifecycle lifecycle;
    private final JobService jobs;
    private final AuditLog audit;
    private final BindingMethodHandlers handlers;
    private final Clock clock;

    BindingService(BindingRepository bindings, RegistryService registries, ClusterService clusters,
                   ResourceLifecycle lifecycle, JobService jobs, AuditLog audit, BindingMethodHandlers handlers,
                   Clock clock) {
        this.handlers = handlers;
        this.jobs = jobs;
        this.bindings = bindings;
        this.registries = registries;
        this.clusters = clusters;
        this.lifecycle = lifecycle;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    Binding create(CreateBindingRequest request) {
        Violations violations = new Violations();
        violations.check(request.registryId() != null, "registryId", "is required");
        violations.check(request.clusterId() != null, "clusterId", "is required");
        BindingMethod method = request.method();
        violations.check(method != null, "method", "is required: one of " + handlers.methods().stream()
                .map(BindingMethod::value).collect(Collectors.joining(", ")));
        handlers.refuseOtherOptions(method, request.methodOptions(), violations);
        BindingMethodHandler.Requests requests = method == null ? null : handlers.of(method).requests();
        BindingMethodHandler.Creation creation = requests == null ? null : requests.create(request, violations);
        violations.throwIfAny();
        creation.authorize();

        // Every resource the binding names stays locked FOR SHARE until this commits: their deletes lock them FOR
        // UPDATE before looking for references, so either the delete sees this binding or this sees them Deleting.
        RegistryView registry = registries.findForUse(request.registryId()).orElseThrow(() ->
                ApiException.unknownReference("registryId", ResourceKinds.REGISTRY, request.registryId()));
        ClusterView cluster = clusters.findForUse(request.clusterId()).orElseThrow(() ->
                ApiException.unknownReference("clusterId", ResourceKinds.CLUSTER, request.clusterId()));
        if (registry.deleting()) {
            throw ApiException.deleting("registryId", ResourceKinds.REGISTRY, registry.id());
        }
        if (cluster.deleting()) {
            throw ApiException.deleting("clusterId", ResourceKinds.CLUSTER, cluster.id());
        }
        Binding binding = Binding.create(registry.id(), cluster.id(), method, creation.spec(registry, cluster),
                requests.pendingMessage(), clock.instant(), RequestContext.actor());
        String namespace = binding.getWorkloadIdentity() == null ? null : binding.getWorkloadIdentity().namespace();
        bindings.findTarget(registry.id(), cluster.id(), method.value(), binding.getSecretName(), namespace)
                .ifPresent(existing -> {
            throw new ApiException(ProblemType.ALREADY_EXISTS, "Binding " + existing.getId() + " already binds "
                    + "this cluster to this registry by " + method + (existing.getSecretName() == null ? ""
                    : " with secret " + existing.getSecretName()) + (namespace == null ? ""
                    : " for namespace " + namespace), List.of(),
                    List.of(new Reference(ResourceKinds.BINDING, existing.getId(), BindingReferences.name(
                            registry.name(), cluster.name(), method.value(), existing.getSecretName()))));
        });
        binding.getStatus().trackJob(jobs.enqueue(JobRequest.of(BindingJobs.APPLY, ResourceKinds.BINDING,
                binding.getId())).id());
        bindings.saveAndFlush(binding);
        audit.record("binding.create", ResourceKinds.BINDING, binding.getId(),
                method + " registry=" + registry.name() + " cluster=" + cluster.name());
        return binding;
    }

    @Transactional(readOnly = true)
    Binding get(UUID id) {
        return bindings.findById(id).orElseThrow(() -> ApiException.notFound(ResourceKinds.BINDING, id));
    }

    @Transactional(readOnly = true)
    PageResponse<BindingResponse> list(UUID registryId, UUID clusterId, BindingMethod method, UUID servicePrincipalId,
                                       UUID tokenId, Phase phase, PageQuery page) {
        return page.fetch(bindings, Specification.allOf(
                Filters.equal("registryId", registryId),
                Filters.equal("clusterId", clusterId),
                Filters.equal("method", method),
                Filters.equal("servicePrincipalId", servicePrincipalId),
                Filters.equal("tokenId", tokenId),
                Filters.phase(phase)), BindingResponse::of);
    }

    /** Every accepted change needs work in a cluster or in Azure, so the binding goes back to Pending. */
    @Transactional
    Binding update(UUID id, UpdateBindingRequest request, String ifMatch) {
        Binding binding = get(id);
        lifecycle.checkChangeable(ResourceKinds.BINDING, binding, ifMatch);
        Violations violations = new Violations();
        handlers.refuseOtherOptions(binding.getMethod(), request.methodOptions(), violations);
        binding.respec(handlers.of(binding.getMethod()).requests().update(BindingSnapshot.of(binding), request,
                violations));
        binding.getStatus().moveTo(Phase.Pending, "Waiting for PullBridge to apply the changed spec");
        binding.getStatus().trackJob(jobs.enqueue(JobRequest.of(BindingJobs.APPLY, ResourceKinds.BINDING,
                binding.getId())).id());
        binding.touched(clock.instant());
        bindings.saveAndFlush(binding);
        audit.record("binding.update", ResourceKinds.BINDING, binding.getId(), binding.getMethod().value());
        return binding;
    }

    /**
     * Enqueues a job that proves the binding's access is effective (changing nothing). A verification already
     * queued for the binding absorbs this one.
     */
    @Transactional
    JobRef verify(UUID id, VerifyBindingRequest request) {
        Binding binding = get(id);
        BindingMethodHandler handler = handlers.of(binding.getMethod());
        String image = request == null || request.image() == null || request.image().isBlank() ? null
                : request.image().strip();
        if (image != null) {
            if (!handler.verifiesImages()) {
                throw ApiException.invalid("image", "goes only with pull-secret bindings: a kubelet-identity "
                        + "binding is verified by its role assignment");
            }
            try {
                ImageReference.parse(image);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("image", "must be an image reference such as team-a/app:1.0 or "
                        + "team-a/app@sha256:<digest>");
            }
        }
        lifecycle.requireNotDeleting(ResourceKinds.BINDING, binding);
        handler.verifyRefusal().ifPresent(why -> {
            throw new ApiException(ProblemType.INVALID_STATE, "PullBridge cannot verify " + binding.getMethod()
                    + " bindings yet: " + why);
        });
        JobRef job = jobs.enqueue(new JobRequest(BindingJobs.VERIFY, ResourceKinds.BINDING, id,
                image == null ? Map.of() : Map.of(BindingJobs.IMAGE, image)));
        audit.record("binding.verify-requested", ResourceKinds.BINDING, id, binding.getMethod().value());
        return job;
    }

    /**
     * Enqueues a job that rotates a connected-registry binding's sync and client token passwords (see
     * the connected-registry handler). Other methods have no credential of their own: their service
     * principal or registry token is rotated instead.
     */
    @Transactional
    JobRef rotate(UUID id) {
        Binding binding = get(id);
        lifecycle.requireNotDeleting(ResourceKinds.BINDING, binding);
        handlers.of(binding.getMethod()).rotateRefusal().ifPresent(uses -> {
            throw new ApiException(ProblemType.INVALID_STATE, "Only connected-registry bindings have credentials "
                    + "of their own to rotate; this " + binding.getMethod() + " binding uses " + uses);
        });
        JobRef job = jobs.enqueue(JobRequest.of(BindingJobs.ROTATE, ResourceKinds.BINDING, id));
        audit.record("binding.rotate-requested", ResourceKinds.BINDING, id, binding.getMethod().value());
        return job;
    }

    /** Marks the binding Deleting and enqueues its delete job, which removes what the binding made. */
    @Transactional
    ResourceLifecycle.Deletion<Binding> delete(UUID id, String ifMatch) {
        return lifecycle.delete(ResourceKinds.BINDING, get(id), ifMatch, bindings);
    }
}
