package io.pullbridge.registries;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.lifecycle.RepositoryResources;
import org.springframework.stereotype.Component;

/** Registry tokens in the resource lifecycle: their status follows their jobs, their deletes run as jobs. */
@Component
class RegistryTokenResources extends RepositoryResources<RegistryToken> {

    RegistryTokenResources(RegistryTokenRepository repository) {
        super(ResourceKinds.REGISTRY_TOKEN, repository, RegistryToken.class,
                RegistryTokenService::describe);
    }
}
