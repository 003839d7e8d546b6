package io.pullbridge.clusters;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.lifecycle.RepositoryResources;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Clusters in the resource lifecycle: their status follows their jobs (except probes, which set it themselves), their
 * deletes run as jobs, and a deleted cluster's client is dropped.
 */
@Component
class ClusterResources extends RepositoryResources<Cluster> {

    private final KubernetesClusters kubernetes;

    ClusterResources(ClusterRepository repository, KubernetesClusters kubernetes) {
        super(ResourceKinds.CLUSTER, repository, Cluster.class, cluster -> ClusterService.describe(cluster, List.of()));
        this.kubernetes = kubernetes;
    }

    @Override
    public boolean followsJob(String jobType) {
        return !ClusterJobs.PROBE.equals(jobType);
    }

    @Override
    public void cleanUp(UUID id, JobContext job) {
        // Only memory: this replica's client and the credentials in it. Other replicas drop theirs when idle.
        kubernetes.forget(id);
    }
}
