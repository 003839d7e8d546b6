package io.pullbridge.clusters;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.lifecycle.RepositoryResources;
import java.util.List;
import org.springframework.stereotype.Component;

/** Clusters in the resource lifecycle: their status follows their jobs, their deletes run as jobs. */
@Component
class ClusterResources extends RepositoryResources<Cluster> {

    ClusterResources(ClusterRepository repository) {
        super(ResourceKinds.CLUSTER, repository, Cluster.class, cluster -> ClusterService.describe(cluster, List.of()));
    }
}
