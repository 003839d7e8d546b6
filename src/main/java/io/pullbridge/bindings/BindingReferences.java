package io.pullbridge.bindings;

import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.common.ResourceReferences;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Registries, clusters, service principals and tokens that a binding uses cannot be removed under it. */
@Component
class BindingReferences implements ResourceReferences {

    private final BindingRepository bindings;

    BindingReferences(BindingRepository bindings) {
        this.bindings = bindings;
    }

    @Override
    public List<Reference> referencesTo(String kind, UUID id) {
        List<UUID> ids = switch (kind) {
            case ResourceKinds.REGISTRY -> bindings.findIdsByRegistryId(id);
            case ResourceKinds.CLUSTER -> bindings.findIdsByClusterId(id);
            case ResourceKinds.SERVICE_PRINCIPAL -> bindings.findIdsByServicePrincipalId(id);
            case ResourceKinds.REGISTRY_TOKEN -> bindings.findIdsByTokenId(id);
            default -> List.of();
        };
        return ids.stream().map(binding -> new Reference(ResourceKinds.BINDING, binding)).toList();
    }
}
