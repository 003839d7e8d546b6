package io.pullbridge.common;

/** The kinds of resource, as they appear in audit events, jobs and conflict documents. */
public final class ResourceKinds {

    public static final String REGISTRY = "registry";
    public static final String REGISTRY_TOKEN = "registry-token";
    public static final String SERVICE_PRINCIPAL = "service-principal";
    public static final String CLUSTER = "cluster";
    public static final String BINDING = "binding";

    private ResourceKinds() {
    }
}
