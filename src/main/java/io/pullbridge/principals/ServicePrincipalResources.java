package io.pullbridge.principals;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.lifecycle.RepositoryResources;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Service principals in the resource lifecycle: their status follows their jobs, and their delete job removes the
 * role assignments PullBridge made, then the principal and its application if PullBridge created them.
 */
@Component
class ServicePrincipalResources extends RepositoryResources<ServicePrincipal> {

    private final ServicePrincipalJobs jobs;

    ServicePrincipalResources(ServicePrincipalRepository repository, ServicePrincipalJobs jobs) {
        super(ResourceKinds.SERVICE_PRINCIPAL, repository, ServicePrincipal.class,
                ServicePrincipalService::describe);
        this.jobs = jobs;
    }

    @Override
    public void cleanUp(UUID id, JobContext job) throws Exception {
        jobs.cleanUp(id, job);
    }
}
