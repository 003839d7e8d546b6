package io.pullbridge.clusters;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.persistence.EnumeratedValue;

/** How PullBridge reaches a cluster: through AKS, through a kubeconfig, or an Arc-connected cluster. */
public enum ClusterKind {
    @JsonProperty("aks") AKS("aks"),
    @JsonProperty("kubeconfig") KUBECONFIG("kubeconfig"),
    @JsonProperty("arc") ARC("arc");

    @EnumeratedValue
    private final String value;

    ClusterKind(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** The kind whose JSON value is {@code value}, or null when there is none. */
    static ClusterKind fromValue(String value) {
        for (ClusterKind kind : values()) {
            if (kind.value.equals(value)) {
                return kind;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return value;
    }
}
