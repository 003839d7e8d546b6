package io.pullbridge.registries;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.lifecycle.RepositoryResources;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Registry tokens in the resource lifecycle: their status follows their jobs, their deletes run as jobs, which
 * remove the token and then its scope map from the registry. Both deletes are idempotent: what is already gone
 * (even the whole registry) counts as removed.
 */
@Component
class RegistryTokenResources extends RepositoryResources<RegistryToken> {

    private final RegistryTokenRepository tokens;
    private final RegistryRepository registries;
    private final RegistryTokenStore store;

    RegistryTokenResources(RegistryTokenRepository tokens, RegistryRepository registries, RegistryTokenStore store) {
        super(ResourceKinds.REGISTRY_TOKEN, tokens, RegistryToken.class, RegistryTokenService::describe);
        this.tokens = tokens;
        this.registries = registries;
        this.store = store;
    }

    @Override
    public void cleanUp(UUID id, JobContext job) throws Exception {
        Optional<RegistryToken> token = tokens.findById(id);
        Optional<Registry> registry = token.flatMap(found -> registries.findById(found.getRegistryId()));
        if (token.isEmpty() || registry.isEmpty()) {
            return;
        }
        String name = token.get().getName();
        String scopeMap = RegistryTokenRules.scopeMapName(name);
        String registryId = registry.get().getResourceId();
        // The token first: a scope map still used by a token cannot be deleted.
        job.step("delete-token", () -> {
            store.deleteToken(registryId, name);
            return "token " + name + " is gone from registry " + registry.get().getName();
        });
        job.step("delete-scope-map", () -> {
            store.deleteScopeMap(registryId, scopeMap);
            return "scope map " + scopeMap + " is gone from registry " + registry.get().getName();
        });
    }
}
