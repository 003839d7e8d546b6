package io.pullbridge.registries;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Port: what Azure Resource Manager says about container registries. Implemented by the {@code azure} adapter.
 * Failures surface as {@link io.pullbridge.jobs.JobFailure} with a problem type that names the cause.
 */
public interface RegistryDirectory {

    /** The registry at this ARM id, read from the subscription the id names; empty when it does not exist. */
    Optional<RegistryFacts> read(String resourceId);

    /** Every registry in the subscription, or in one of its resource groups when {@code resourceGroup} is given. */
    List<RegistryFacts> list(UUID subscriptionId, String resourceGroup);

    /**
     * @param abacEnabled      the registry uses ABAC repository permissions ({@code roleAssignmentMode}), so pulls need
     *                         "Container Registry Repository Reader" rather than AcrPull
     * @param dataEndpointEnabled the dedicated data endpoint is on (connected registries need it)
     */
    record RegistryFacts(String resourceId, String name, String loginServer, String sku, String location,
                         boolean abacEnabled, boolean dataEndpointEnabled) {
    }
}
