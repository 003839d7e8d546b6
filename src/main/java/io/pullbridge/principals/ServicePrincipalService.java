package io.pullbridge.principals;

import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Service principals PullBridge created or adopted, with their grants on registries. */
@Service
public class ServicePrincipalService {

    private final ServicePrincipalRepository principals;

    ServicePrincipalService(ServicePrincipalRepository principals) {
        this.principals = principals;
    }

    /** The principal with this id, for features that reference principals. */
    @Transactional(readOnly = true)
    public Optional<ServicePrincipalView> find(UUID id) {
        return principals.findById(id).map(ServicePrincipal::view);
    }
}
