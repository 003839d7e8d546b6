package io.pullbridge.principals;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.ReconcileSource;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Adopted principals registered before PullBridge proved passwords (V11) hold a password nobody signed in with, and
 * {@link ServicePrincipalService#pullCredential} gives it to no binding until it is proven. Each reconcile pass names
 * the Ready ones, and the engine enqueues a {@code service-principal.adopt} job for each (one per principal across
 * replicas: the pass runs once per interval, and skips a principal that has a job queued or running), which signs in
 * with the password and records that Entra ID accepted it. A password Entra ID refuses fails that job: the principal
 * goes Failed, saying so, and is not named again: its owner gives the right password with {@code :rotate} (proven
 * by the rotate job before it becomes current), or deletes it and adopts it again.
 */
@Component
class ServicePrincipalProofs implements ReconcileSource {

    private final ServicePrincipalRepository principals;

    ServicePrincipalProofs(ServicePrincipalRepository principals) {
        this.principals = principals;
    }

    @Override
    public List<JobRequest> reconcileRequests() {
        return principals.findUnproven().stream()
                .map(id -> JobRequest.of(ServicePrincipalJobs.ADOPT, ResourceKinds.SERVICE_PRINCIPAL, id))
                .toList();
    }
}
