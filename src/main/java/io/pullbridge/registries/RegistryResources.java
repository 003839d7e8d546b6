package io.pullbridge.registries;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.lifecycle.RepositoryResources;
import org.springframework.stereotype.Component;

/** Registries in the resource lifecycle: their status follows their jobs, their deletes run as jobs. */
@Component
class RegistryResources extends RepositoryResources<Registry> {

    RegistryResources(RegistryRepository repository) {
        super(ResourceKinds.REGISTRY, repository, Registry.class, Registry::getResourceId);
    }
}
