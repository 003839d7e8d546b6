package io.pullbridge.principals;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.ReconcileSource;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Automatic rotation: each reconcile pass names the principals PullBridge created whose password has lived
 * {@code pullbridge.principals.auto-rotate-at} of its lifetime (and that are Ready, with no rotation in progress),
 * and the engine enqueues a rotate job for each. Off with {@code pullbridge.principals.auto-rotate=false}.
 */
@Component
class ServicePrincipalRotations implements ReconcileSource {

    private final ServicePrincipalRepository principals;
    private final PrincipalsProperties properties;
    private final Clock clock;

    ServicePrincipalRotations(ServicePrincipalRepository principals, PrincipalsProperties properties, Clock clock) {
        this.principals = principals;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public List<JobRequest> reconcileRequests() {
        if (!properties.autoRotate()) {
            return List.of();
        }
        Instant now = clock.instant();
        return principals.findRotatable().stream()
                .filter(age -> ServicePrincipalRotationJob.autoRotationDue(age.createdAt(), age.expiresAt(), now,
                        properties.autoRotateAt()))
                .map(age -> new JobRequest(ServicePrincipalRotationJob.ROTATE, ResourceKinds.SERVICE_PRINCIPAL,
                        age.id(), Map.of(ServicePrincipalRotationJob.REASON, ServicePrincipalRotationJob.AUTOMATIC)))
                .toList();
    }
}
