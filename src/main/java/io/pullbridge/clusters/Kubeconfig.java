package io.pullbridge.clusters;

import java.net.URI;

/**
 * What PullBridge reads from a kubeconfig it accepted: the context it will use and that context's API server.
 * Deliberately nothing of the user section.
 */
record Kubeconfig(String currentContext, String cluster, URI server) {

    String serverHost() {
        return server.getHost();
    }
}
