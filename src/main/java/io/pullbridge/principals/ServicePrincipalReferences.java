package io.pullbridge.principals;

import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.common.ResourceReferences;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** A registry that a service principal holds a role on cannot be removed while the grant stands. */
@Component
class ServicePrincipalReferences implements ResourceReferences {

    private final ServicePrincipalRepository principals;

    ServicePrincipalReferences(ServicePrincipalRepository principals) {
        this.principals = principals;
    }

    @Override
    public List<Reference> referencesTo(String kind, UUID id) {
        if (!ResourceKinds.REGISTRY.equals(kind)) {
            return List.of();
        }
        return principals.findReferencesGrantedOn(id);
    }
}
