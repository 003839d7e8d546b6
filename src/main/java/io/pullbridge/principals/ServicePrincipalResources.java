package io.pullbridge.principals;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.lifecycle.RepositoryResources;
import org.springframework.stereotype.Component;

/** Service principals in the resource lifecycle: their status follows their jobs, their deletes run as jobs. */
@Component
class ServicePrincipalResources extends RepositoryResources<ServicePrincipal> {

    ServicePrincipalResources(ServicePrincipalRepository repository) {
        super(ResourceKinds.SERVICE_PRINCIPAL, repository, ServicePrincipal.class,
                ServicePrincipalService::describe);
    }
}
