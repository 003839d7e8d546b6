package io.pullbridge.bindings;

import java.util.List;

/**
 * What a connected-registry binding asks for. Stored as JSON on the binding row.
 *
 * @param syncSchedule a five-field cron expression, as {@code az acr connected-registry create --sync-schedule}
 * @param syncWindow   an ISO-8601 duration between PT3H and P7D, or null to sync continuously
 */
public record ConnectedRegistrySpec(String name, ConnectedRegistryMode mode, List<String> repositories,
                                    String clusterIP, String syncSchedule, String syncWindow, String secretName,
                                    List<String> namespaces) {
}
