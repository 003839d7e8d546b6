package io.pullbridge.support.azure;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A user-assigned managed identity in the emulated ARM, with its federated identity credentials (by lower-case name).
 * Read it from tests through {@link AzureEmulator#userAssignedIdentity}; the emulator changes it under its lock.
 */
public final class EmulatedIdentity {

    final String id;
    final String name;
    final String location;
    final String clientId;
    final String principalId;
    final Map<String, String> tags;
    final Map<String, EmulatedFederatedCredential> credentials = new LinkedHashMap<>();
    Instant lastCredentialWrite;

    EmulatedIdentity(String id, String name, String location, String clientId, String principalId,
                     Map<String, String> tags) {
        this.id = id;
        this.name = name;
        this.location = location;
        this.clientId = clientId;
        this.principalId = principalId;
        this.tags = tags;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String clientId() {
        return clientId;
    }

    public String principalId() {
        return principalId;
    }

    public synchronized Map<String, String> tags() {
        return Map.copyOf(tags);
    }

    public synchronized List<EmulatedFederatedCredential> credentials() {
        return List.copyOf(credentials.values());
    }

    Map<String, Object> json(Directory directory) {
        return Json.obj("id", id, "name", name, "type", ManagedIdentityEndpoint.TYPE, "location", location,
                "tags", Map.copyOf(tags),
                "properties", Json.obj("tenantId", directory.tenantId(), "principalId", principalId,
                        "clientId", clientId, "isolationScope", "None"));
    }
}
