package io.pullbridge.registries;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.ReconcileSource;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Automatic rotation: every reconcile pass names the tokens whose password has lived
 * {@code pullbridge.registries.token-rotation.at-lifetime-fraction} of its lifetime, and the pass enqueues a
 * {@code registry-token.rotate} job for each that has no job under way. Off when
 * {@code pullbridge.registries.token-rotation.automatic} is false.
 */
@Component
class RegistryTokenAutoRotation implements ReconcileSource {

    private final RegistryTokenRepository tokens;
    private final RegistriesProperties properties;
    private final Clock clock;

    RegistryTokenAutoRotation(RegistryTokenRepository tokens, RegistriesProperties properties, Clock clock) {
        this.tokens = tokens;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public List<JobRequest> reconcileRequests() {
        RegistriesProperties.TokenRotation rotation = properties.tokenRotation();
        if (!rotation.automatic()) {
            return List.of();
        }
        return tokens.findIdsDueForRotation(rotation.atLifetimeFraction(), clock.instant()).stream()
                .map(id -> JobRequest.of(RegistryTokenJobs.ROTATE, ResourceKinds.REGISTRY_TOKEN, id))
                .toList();
    }
}
