package io.pullbridge.clusters;

import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Clusters PullBridge manages pull access in. */
@Service
public class ClusterService {

    private final ClusterRepository clusters;

    ClusterService(ClusterRepository clusters) {
        this.clusters = clusters;
    }

    /** The cluster with this id, for features that reference clusters. */
    @Transactional(readOnly = true)
    public Optional<ClusterView> find(UUID id) {
        return clusters.findById(id).map(Cluster::view);
    }
}
