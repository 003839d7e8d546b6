package io.pullbridge.clusters;

import io.pullbridge.crypto.EncryptedColumn;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Cluster kubeconfigs, as the re-encryption under the current master key finds them. */
@Component
class StoredKubeconfigs extends EncryptedColumn {

    StoredKubeconfigs(JdbcClient jdbc) {
        super(jdbc, "cluster-kubeconfig", "clusters", "kubeconfig", Cluster::kubeconfigContext);
    }
}
