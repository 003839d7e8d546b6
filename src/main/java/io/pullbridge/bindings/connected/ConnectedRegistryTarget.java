package io.pullbridge.bindings.connected;

import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.ConnectedRegistries;
import io.pullbridge.bindings.ConnectedRegistrySpec;
import io.pullbridge.clusters.ClusterView;
import io.pullbridge.registries.RegistryView;

/** What a connected-registry job works against, read once when it starts, and the names of what it makes. */
record ConnectedRegistryTarget(BindingSnapshot binding, ConnectedRegistrySpec spec, RegistryView registry,
                               ClusterView cluster) {

    String registryId() {
        return registry.resourceId();
    }

    String clusterResourceId() {
        return cluster.resourceId();
    }

    String name() {
        return spec.name();
    }

    String syncToken() {
        return ConnectedRegistries.syncTokenName(spec.name());
    }

    String syncScopeMap() {
        return ConnectedRegistries.syncScopeMapName(spec.name());
    }

    String clientToken() {
        return ConnectedRegistries.clientTokenName(spec.name());
    }

    String clientScopeMap() {
        return ConnectedRegistries.clientScopeMapName(spec.name());
    }

    String extension() {
        return ConnectedRegistries.extensionName(spec.name());
    }

    String tokenId(String token) {
        return registry.resourceId() + "/tokens/" + token;
    }
}
