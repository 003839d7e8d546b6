package io.pullbridge.bindings.workload;

import io.pullbridge.bindings.BindingMethodHandler;
import io.pullbridge.bindings.BindingMethodHandler.Creation;
import io.pullbridge.bindings.BindingRules;
import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.BindingSpec;
import io.pullbridge.bindings.CreateBindingRequest;
import io.pullbridge.bindings.UpdateBindingRequest;
import io.pullbridge.bindings.WorkloadIdentityOptions;
import io.pullbridge.bindings.WorkloadIdentitySpec;
import io.pullbridge.clusters.ClusterKind;
import io.pullbridge.clusters.ClusterView;
import io.pullbridge.registries.RegistryView;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.RequestContext;
import io.pullbridge.web.Role;
import io.pullbridge.web.Violations;
import java.util.Objects;
import org.springframework.stereotype.Component;

/**
 * The {@code workloadIdentity} of a create or update request: its syntax ({@link BindingRules#workloadIdentity}), who
 * may name an existing identity (the Admin: a federated credential hands the identity's rights, whatever they are, to
 * whoever runs pods as the ServiceAccount), and the clusters it works on (AKS or Arc, whose OIDC issuer the job reads).
 */
@Component
class WorkloadIdentityRequests implements BindingMethodHandler.Requests {

    static final String FIELD = "workloadIdentity";

    private final WorkloadIdentityProperties properties;

    WorkloadIdentityRequests(WorkloadIdentityProperties properties) {
        this.properties = properties;
    }

    @Override
    public String optionsField() {
        return FIELD;
    }

    @Override
    public String pendingMessage() {
        return "Waiting for PullBridge to federate the ServiceAccounts with an identity that may pull";
    }

    @Override
    public Creation create(CreateBindingRequest request, Violations violations) {
        if (!violations.check(request.workloadIdentity() != null, FIELD, "is required for method workload-identity")) {
            return null;
        }
        WorkloadIdentitySpec spec = BindingRules.workloadIdentity(request.workloadIdentity(), FIELD, violations);
        return new Creation() {
            @Override
            public void authorize() {
                if (spec.identityResourceId() != null) {
                    RequestContext.require(Role.ADMIN, "naming an existing identity (" + FIELD + ".identityResourceId)"
                            + " federates it with the cluster's ServiceAccounts, handing them all its rights, which "
                            + "is reserved to Admin; Operators get an identity PullBridge creates with pull rights only");
                }
            }

            @Override
            public BindingSpec spec(RegistryView registry, ClusterView cluster) {
                if (cluster.kind() != ClusterKind.AKS && cluster.kind() != ClusterKind.ARC) {
                    throw ApiException.semantic("clusterId", "cluster " + cluster.name() + " is of kind "
                            + cluster.kind() + ", but workload identity needs the OIDC issuer Azure reports for an "
                            + "AKS or Arc-enabled cluster (kind aks or arc)");
                }
                if (spec.identityResourceId() == null && (properties.resourceGroup() == null
                        || properties.resourceGroup().isBlank())) {
                    throw ApiException.semantic(FIELD + ".identityResourceId", "is required: PullBridge has no "
                            + "resource group to create identities in (pullbridge.workload-identity.resource-group)");
                }
                return BindingSpec.of(spec);
            }
        };
    }

    @Override
    public BindingSpec update(BindingSnapshot binding, UpdateBindingRequest request, Violations violations) {
        if (!violations.check(request.workloadIdentity() != null, FIELD, "is required: the fields to change")) {
            violations.throwIfAny();
        }
        WorkloadIdentityOptions changes = request.workloadIdentity();
        WorkloadIdentitySpec current = binding.workloadIdentity();
        violations.check(changes.namespace() == null || changes.namespace().equals(current.namespace()),
                FIELD + ".namespace", "cannot change");
        violations.check(changes.delivery() == null || changes.delivery() == current.delivery(),
                FIELD + ".delivery", "cannot change");
        violations.check(changes.identityResourceId() == null
                        || Objects.equals(changes.identityResourceId(), current.identityResourceId()),
                FIELD + ".identityResourceId", "cannot change");
        WorkloadIdentityOptions merged = new WorkloadIdentityOptions(current.namespace(),
                changes.serviceAccounts() != null ? changes.serviceAccounts() : current.serviceAccounts(),
                changes.repositories() != null ? changes.repositories() : current.repositories(),
                current.delivery(), current.identityResourceId());
        WorkloadIdentitySpec spec = BindingRules.workloadIdentity(merged, FIELD, violations);
        violations.throwIfAny();
        return BindingSpec.of(spec);
    }
}
