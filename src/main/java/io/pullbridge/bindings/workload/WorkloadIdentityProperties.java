package io.pullbridge.bindings.workload;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where workload-identity bindings' identities go ({@code pullbridge.workload-identity.*}).
 *
 * @param resourceGroup the resource group PullBridge creates identities in
 *                      ({@code /subscriptions/<id>/resourceGroups/<name>}); without it, only bindings that name an
 *                      existing identity can be created
 * @param location      the region of the identities it creates; empty for the cluster's
 * @param environment   the cloud an {@code AcrPullBinding} names ({@code PublicCloud}, {@code USGovernmentCloud},
 *                      {@code ChinaCloud})
 */
@ConfigurationProperties("pullbridge.workload-identity")
record WorkloadIdentityProperties(String resourceGroup, String location,
                                  @DefaultValue("PublicCloud") String environment) {
}
