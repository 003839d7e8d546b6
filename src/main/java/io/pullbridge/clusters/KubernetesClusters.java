package io.pullbridge.clusters;

import java.util.Optional;
import java.util.UUID;

/**
 * Port: clients for clusters' API servers, implemented by the {@code kubernetes} adapter. It keeps one client per
 * cluster and builds a new one when the credentials' {@link ClusterCredentials#version()} changes; credentials live
 * in that client's memory only.
 */
public interface KubernetesClusters {

    /**
     * The cluster's client when one is kept for credentials of this version; empty when the caller must supply
     * the credentials (first use, new credentials, or a client dropped after the server refused them).
     */
    Optional<ClusterApi> cached(UUID clusterId, String version);

    /**
     * A client for these credentials, kept for the cluster (replacing one of another version). The server's host
     * is checked again against {@link ServerHostPolicy}, and every address it resolves to when connecting.
     */
    ClusterApi connect(ClusterCredentials credentials);

    /** Drops the cluster's client, e.g. when the cluster is removed. */
    void forget(UUID clusterId);
}
