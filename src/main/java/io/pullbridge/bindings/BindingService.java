package io.pullbridge.bindings;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.clusters.ClusterKind;
import io.pullbridge.clusters.ClusterService;
import io.pullbridge.clusters.ClusterView;
import io.pullbridge.common.Cidr;
import io.pullbridge.common.EscalationProperties;
import io.pullbridge.common.Phase;
import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobRef;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.lifecycle.ResourceLifecycle;
import io.pullbridge.principals.ServicePrincipalService;
import io.pullbridge.principals.ServicePrincipalView;
import io.pullbridge.registries.RegistryService;
import io.pullbridge.registries.RegistryTokenService;
import io.pullbridge.registries.RegistryTokenView;
import io.pullbridge.registries.RegistryView;
import io.pullbridge.registry.ImageReference;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.ETags;
import io.pullbridge.web.FieldViolation;
import io.pullbridge.web.PageRequest;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.ProblemType;
import io.pullbridge.web.RequestContext;
import io.pullbridge.web.Role;
import io.pullbridge.web.Violations;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
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
    private final RegistryTokenService tokens;
    private final ClusterService clusters;
    private final ServicePrincipalService principals;
    private final ResourceLifecycle lifecycle;
    private final JobService jobs;
    private final AuditLog audit;
    private final EscalationProperties escalation;
    private final BindingMethodHandlers handlers;
    private final Clock clock;

    BindingService(BindingRepository bindings, RegistryService registries, RegistryTokenService tokens,
                   ClusterService clusters, ServicePrincipalService principals, ResourceLifecycle lifecycle,
                   JobService jobs, AuditLog audit, EscalationProperties escalation, BindingMethodHandlers handlers,
                   Clock clock) {
        this.handlers = handlers;
        this.escalation = escalation;
        this.jobs = jobs;
        this.bindings = bindings;
        this.registries = registries;
        this.tokens = tokens;
        this.clusters = clusters;
        this.principals = principals;
        this.lifecycle = lifecycle;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * A connected registry's sync token gets its mode's actions on the synced repositories, and its password goes to
     * the cluster (the Arc extension's protected settings): a {@code ReadWrite} one can push. Those actions are the
     * Admin's to give, as they are on a registry token, unless {@code pullbridge.security.operator-token-actions}
     * lets Operators give them.
     */
    private void requireSyncActions(ConnectedRegistryMode mode) {
        List<String> reserved = ConnectedRegistries.repositoryActions(mode).stream()
                .filter(action -> !escalation.operatorTokenActions().contains(action)).sorted().toList();
        if (!reserved.isEmpty()) {
            RequestContext.require(Role.ADMIN, "a " + mode + " connected registry's sync token gets "
                    + String.join(", ", reserved) + ", which is reserved to Admin; Operators may give only "
                    + (escalation.operatorTokenActions().isEmpty() ? "no action"
                    : String.join(", ", new TreeSet<>(escalation.operatorTokenActions())))
                    + " (" + EscalationProperties.TOKEN_ACTIONS + ")");
        }
    }

    @Transactional
    Binding create(CreateBindingRequest request) {
        Violations violations = new Violations();
        violations.check(request.registryId() != null, "registryId", "is required");
        violations.check(request.clusterId() != null, "clusterId", "is required");
        BindingMethod method = request.method();
        violations.check(method != null, "method", "is required: one of kubelet-identity, pull-secret, "
                + "connected-registry");
        if (method != BindingMethod.PULL_SECRET && request.pullSecret() != null) {
            violations.add("pullSecret", "goes only with method pull-secret");
        }
        if (method != BindingMethod.CONNECTED_REGISTRY && request.connectedRegistry() != null) {
            violations.add("connectedRegistry", "goes only with method connected-registry");
        }
        PullSecretSpec pullSecret = null;
        ConnectedRegistrySpec connected = null;
        if (method == BindingMethod.PULL_SECRET) {
            if (violations.check(request.pullSecret() != null, "pullSecret", "is required for method pull-secret")) {
                pullSecret = BindingRules.pullSecret(request.pullSecret(), "pullSecret", violations, true);
            }
        } else if (method == BindingMethod.CONNECTED_REGISTRY) {
            if (violations.check(request.connectedRegistry() != null, "connectedRegistry",
                    "is required for method connected-registry")) {
                connected = BindingRules.connectedRegistry(request.connectedRegistry(), "connectedRegistry",
                        violations);
            }
        }
        violations.throwIfAny();
        if (connected != null) {
            requireSyncActions(connected.mode());
        }

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
        Binding binding = switch (method) {
            case KUBELET_IDENTITY -> {
                requireKind(cluster, ClusterKind.AKS, "kubelet-identity grants AcrPull to an AKS kubelet identity");
                yield Binding.kubeletIdentity(registry.id(), cluster.id(), clock.instant(), RequestContext.actor());
            }
            case PULL_SECRET -> {
                checkCredential(pullSecret, registry, "pullSecret.credential");
                yield Binding.pullSecret(registry.id(), cluster.id(), pullSecret, clock.instant(),
                        RequestContext.actor());
            }
            case CONNECTED_REGISTRY -> {
                requireKind(cluster, ClusterKind.ARC, "a connected registry runs on an Arc-enabled cluster");
                checkClusterIp(connected.clusterIP(), cluster, "connectedRegistry.clusterIP");
                checkConnectedRegistryUnique(connected, registry, cluster);
                yield Binding.connectedRegistry(registry.id(), cluster.id(), connected, clock.instant(),
                        RequestContext.actor());
            }
        };
        bindings.findTarget(registry.id(), cluster.id(), method, binding.getSecretName()).ifPresent(existing -> {
            throw new ApiException(ProblemType.ALREADY_EXISTS, "Binding " + existing.getId() + " already binds "
                    + "this cluster to this registry by " + method + (existing.getSecretName() == null ? ""
                    : " with secret " + existing.getSecretName()), List.of(),
                    List.of(new Reference(ResourceKinds.BINDING, existing.getId(), BindingReferences.name(
                            registry.name(), cluster.name(), method.value(), existing.getSecretName()))));
        });
        binding.getStatus().trackJob(jobs.enqueue(JobRequest.of(BindingJobs.APPLY, ResourceKinds.BINDING,
                binding.getId())).id());
        bindings.saveAndFlush(binding);
        audit.recorded("binding.create", ResourceKinds.BINDING, binding.getId(),
                method + " registry=" + registry.name() + " cluster=" + cluster.name());
        return binding;
    }

    @Transactional(readOnly = true)
    Binding get(UUID id) {
        return bindings.findById(id).orElseThrow(() -> ApiException.notFound(ResourceKinds.BINDING, id));
    }

    @Transactional(readOnly = true)
    PageResponse<BindingResponse> list(UUID registryId, UUID clusterId, BindingMethod method, UUID servicePrincipalId,
                                       UUID tokenId, Phase phase, PageRequest page) {
        Specification<Binding> spec = page.after("createdAt");
        spec = and(spec, "registryId", registryId);
        spec = and(spec, "clusterId", clusterId);
        spec = and(spec, "method", method);
        spec = and(spec, "servicePrincipalId", servicePrincipalId);
        spec = and(spec, "tokenId", tokenId);
        if (phase != null) {
            spec = spec.and((root, q, cb) -> cb.equal(root.get("status").get("phase"), phase));
        }
        List<Binding> rows = bindings.findBy(spec, query -> query.sortBy(PageRequest.order("createdAt"))
                .limit(page.fetchSize()).all());
        return page.page(rows, Binding::getCreatedAt, Binding::getId, BindingResponse::of);
    }

    /** Every accepted change needs work in a cluster or in Azure, so the binding goes back to Pending. */
    @Transactional
    Binding update(UUID id, UpdateBindingRequest request, String ifMatch) {
        Binding binding = get(id);
        ETags.checkIfMatch(ifMatch, binding.getVersion());
        if (binding.getStatus().phase() == Phase.Deleting) {
            throw ApiException.deleting(null, ResourceKinds.BINDING, id);
        }
        Violations violations = new Violations();
        switch (binding.getMethod()) {
            case KUBELET_IDENTITY -> throw new ApiException(ProblemType.VALIDATION_FAILED,
                    "A kubelet-identity binding has nothing to change; delete it and create another");
            case PULL_SECRET -> updatePullSecret(binding, request, violations);
            case CONNECTED_REGISTRY -> updateConnectedRegistry(binding, request, violations);
        }
        binding.getStatus().moveTo(Phase.Pending, "Waiting for PullBridge to apply the changed spec");
        binding.getStatus().trackJob(jobs.enqueue(JobRequest.of(BindingJobs.APPLY, ResourceKinds.BINDING,
                binding.getId())).id());
        binding.touched(clock.instant());
        bindings.saveAndFlush(binding);
        audit.recorded("binding.update", ResourceKinds.BINDING, binding.getId(), binding.getMethod().value());
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
        if (binding.getStatus().phase() == Phase.Deleting) {
            throw ApiException.deleting(null, ResourceKinds.BINDING, id);
        }
        handler.verifyRefusal().ifPresent(why -> {
            throw new ApiException(ProblemType.INVALID_STATE, "PullBridge cannot verify " + binding.getMethod()
                    + " bindings yet: " + why);
        });
        JobRef job = jobs.enqueue(new JobRequest(BindingJobs.VERIFY, ResourceKinds.BINDING, id,
                image == null ? Map.of() : Map.of(BindingJobs.IMAGE, image)));
        audit.recorded("binding.verify-requested", ResourceKinds.BINDING, id, binding.getMethod().value());
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
        if (binding.getStatus().phase() == Phase.Deleting) {
            throw ApiException.deleting(null, ResourceKinds.BINDING, id);
        }
        handlers.of(binding.getMethod()).rotateRefusal().ifPresent(uses -> {
            throw new ApiException(ProblemType.INVALID_STATE, "Only connected-registry bindings have credentials "
                    + "of their own to rotate; this " + binding.getMethod() + " binding uses " + uses);
        });
        JobRef job = jobs.enqueue(JobRequest.of(BindingJobs.ROTATE, ResourceKinds.BINDING, id));
        audit.recorded("binding.rotate-requested", ResourceKinds.BINDING, id, binding.getMethod().value());
        return job;
    }

    /** Marks the binding Deleting and enqueues its delete job, which removes what the binding made. */
    @Transactional
    ResourceLifecycle.Deletion<Binding> delete(UUID id, String ifMatch) {
        Binding binding = get(id);
        ResourceLifecycle.Deletion<Binding> deletion = lifecycle.delete(ResourceKinds.BINDING, binding, ifMatch);
        bindings.saveAndFlush(binding);
        return deletion;
    }

    private void updatePullSecret(Binding binding, UpdateBindingRequest request, Violations violations) {
        violations.check(request.connectedRegistry() == null, "connectedRegistry",
                "goes only with method connected-registry");
        if (!violations.check(request.pullSecret() != null, "pullSecret", "is required: the fields to change")) {
            violations.throwIfAny();
        }
        PullSecretOptions changes = request.pullSecret();
        PullSecretSpec current = binding.pullSecretSpec();
        violations.check(changes.secretName() == null || changes.secretName().equals(current.secretName()),
                "pullSecret.secretName", "cannot change; create another binding for another secret name");
        PullSecretOptions merged = new PullSecretOptions(
                changes.credential() != null ? changes.credential()
                        : new CredentialReference(current.servicePrincipalId(), current.tokenId()),
                current.secretName(),
                changes.namespaces() != null ? changes.namespaces() : current.namespaces(),
                changes.namespaceSelector() != null ? blankToNull(changes.namespaceSelector())
                        : current.namespaceSelector(),
                changes.excludeNamespaces() != null ? changes.excludeNamespaces() : current.excludeNamespaces(),
                changes.serviceAccounts() != null ? changes.serviceAccounts() : current.serviceAccounts());
        PullSecretSpec spec = BindingRules.pullSecret(merged, "pullSecret", violations, true);
        violations.throwIfAny();
        if (changes.credential() != null) {
            RegistryView registry = registries.find(binding.getRegistryId()).orElseThrow();
            checkCredential(spec, registry, "pullSecret.credential");
        }
        if (!Objects.equals(spec.servicePrincipalId(), current.servicePrincipalId())
                || !Objects.equals(spec.tokenId(), current.tokenId())) {
            binding.changeCredential(spec.servicePrincipalId(), spec.tokenId());
        }
        binding.applyTargets(spec);
    }

    private void updateConnectedRegistry(Binding binding, UpdateBindingRequest request, Violations violations) {
        violations.check(request.pullSecret() == null, "pullSecret", "goes only with method pull-secret");
        if (!violations.check(request.connectedRegistry() != null, "connectedRegistry",
                "is required: the fields to change")) {
            violations.throwIfAny();
        }
        ConnectedRegistryOptions changes = request.connectedRegistry();
        ConnectedRegistrySpec current = binding.getConnectedRegistry();
        violations.check(changes.name() == null || changes.name().equals(current.name()), "connectedRegistry.name",
                "cannot change");
        violations.check(changes.mode() == null || changes.mode() == current.mode(), "connectedRegistry.mode",
                "cannot change: a connected registry's mode is fixed when it is created");
        violations.check(changes.clusterIP() == null || changes.clusterIP().equals(current.clusterIP()),
                "connectedRegistry.clusterIP", "cannot change");
        violations.check(changes.secretName() == null || changes.secretName().equals(current.secretName()),
                "connectedRegistry.secretName", "cannot change");
        ConnectedRegistryOptions merged = new ConnectedRegistryOptions(current.name(), current.mode(),
                changes.repositories() != null ? changes.repositories() : current.repositories(),
                current.clusterIP(),
                changes.syncSchedule() != null ? changes.syncSchedule() : current.syncSchedule(),
                changes.syncWindow() != null ? blankToNull(changes.syncWindow()) : current.syncWindow(),
                current.secretName(),
                changes.namespaces() != null ? changes.namespaces() : current.namespaces());
        ConnectedRegistrySpec spec = BindingRules.connectedRegistry(merged, "connectedRegistry", violations);
        violations.throwIfAny();
        binding.applyConnectedRegistry(spec);
    }

    private void checkCredential(PullSecretSpec spec, RegistryView registry, String path) {
        if (spec.servicePrincipalId() != null) {
            ServicePrincipalView principal = principals.findForUse(spec.servicePrincipalId()).orElseThrow(() ->
                    ApiException.unknownReference(path + ".servicePrincipalId", ResourceKinds.SERVICE_PRINCIPAL,
                            spec.servicePrincipalId()));
            if (principal.deleting()) {
                throw ApiException.deleting(path + ".servicePrincipalId", ResourceKinds.SERVICE_PRINCIPAL,
                        principal.id());
            }
            if (!principal.canPullFrom(registry.id())) {
                throw ApiException.semantic(path + ".servicePrincipalId", "service principal " + principal.id()
                        + " has no grant on registry " + registry.name() + "; add one to the service principal first");
            }
        } else {
            RegistryTokenView token = tokens.findForUse(spec.tokenId()).orElseThrow(() ->
                    ApiException.unknownReference(path + ".tokenId", ResourceKinds.REGISTRY_TOKEN, spec.tokenId()));
            if (token.deleting()) {
                throw ApiException.deleting(path + ".tokenId", ResourceKinds.REGISTRY_TOKEN, token.id());
            }
            if (!token.registryId().equals(registry.id())) {
                throw ApiException.semantic(path + ".tokenId", "token " + token.name()
                        + " belongs to another registry; a token only opens the registry it was made in");
            }
        }
    }

    private static void requireKind(ClusterView cluster, ClusterKind kind, String why) {
        if (cluster.kind() != kind) {
            throw ApiException.semantic("clusterId", "cluster " + cluster.name() + " is of kind " + cluster.kind()
                    + ", but " + why + " (kind " + kind + ")");
        }
    }

    private void checkClusterIp(String clusterIp, ClusterView cluster, String path) {
        if (cluster.serviceCidr() == null) {
            return;
        }
        Cidr cidr = Cidr.parse(cluster.serviceCidr());
        InetAddress address = Cidr.parseIpLiteral(clusterIp);
        if (!cidr.contains(address)) {
            throw ApiException.semantic(path, clusterIp + " is outside the cluster's service CIDR "
                    + cluster.serviceCidr());
        }
        InetAddress network = cidr.network();
        byte[] first = network.getAddress();
        first[first.length - 1] |= 1;
        if (address.equals(network) || Arrays.equals(address.getAddress(), first)) {
            throw ApiException.semantic(path, clusterIp + " is reserved in " + cluster.serviceCidr()
                    + " (the network address, or the first address, which the kubernetes Service holds)");
        }
    }

    private void checkConnectedRegistryUnique(ConnectedRegistrySpec spec, RegistryView registry, ClusterView cluster) {
        List<String> sameName = bindings.findConnectedRegistryByName(registry.id(), spec.name());
        if (!sameName.isEmpty()) {
            throw new ApiException(ProblemType.ALREADY_EXISTS, "Registry " + registry.name()
                    + " already has a connected registry named " + spec.name(),
                    List.of(new FieldViolation("connectedRegistry.name", "is taken in this registry")),
                    List.of(new Reference(ResourceKinds.BINDING, UUID.fromString(sameName.get(0)))));
        }
        // The Arc extension is named after the connected registry, and extension names are unique per cluster: two
        // connected registries of one name (from two registries) would fight over one extension.
        List<String> sameExtension = bindings.findConnectedRegistryOnClusterByName(cluster.id(), spec.name());
        if (!sameExtension.isEmpty()) {
            throw new ApiException(ProblemType.ALREADY_EXISTS, "Cluster " + cluster.name() + " already runs a "
                    + "connected registry named " + spec.name() + " (from another registry): its Arc extension "
                    + "takes that name",
                    List.of(new FieldViolation("connectedRegistry.name", "is taken in this cluster")),
                    List.of(new Reference(ResourceKinds.BINDING,
                            UUID.fromString(sameExtension.get(0)))));
        }
        List<String> sameIp = bindings.findConnectedRegistryByClusterIp(cluster.id(), spec.clusterIP());
        if (!sameIp.isEmpty()) {
            throw new ApiException(ProblemType.ALREADY_EXISTS, "Cluster " + cluster.name() + " already has a "
                    + "connected registry at " + spec.clusterIP(),
                    List.of(new FieldViolation("connectedRegistry.clusterIP", "is taken in this cluster")),
                    List.of(new Reference(ResourceKinds.BINDING, UUID.fromString(sameIp.get(0)))));
        }
    }

    private static <T> Specification<Binding> and(Specification<Binding> spec, String attribute, T value) {
        return value == null ? spec : spec.and((root, q, cb) -> cb.equal(root.get(attribute), value));
    }

    private static String blankToNull(String value) {
        return value.isBlank() ? null : value;
    }
}
