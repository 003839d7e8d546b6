package io.pullbridge.common;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An Azure Resource Manager id of the form
 * {@code /subscriptions/<guid>/resourceGroups/<rg>/providers/<namespace>/<type>/<name>}.
 * Segment keywords, the provider namespace and the type are matched case-insensitively, as ARM does;
 * {@link #toString()} gives the canonical spelling.
 */
public record ArmResourceId(UUID subscriptionId, String resourceGroup, ResourceType type, String name) {

    /** The resource types PullBridge accepts, with their name rules. */
    public enum ResourceType {
        CONTAINER_REGISTRY("Microsoft.ContainerRegistry", "registries",
                Pattern.compile("[a-zA-Z0-9]{5,50}"), "5 to 50 letters and digits"),
        MANAGED_CLUSTER("Microsoft.ContainerService", "managedClusters",
                Pattern.compile("[a-zA-Z0-9]([-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?"),
                "1 to 63 letters, digits, hyphens and underscores, starting and ending with a letter or digit"),
        CONNECTED_CLUSTER("Microsoft.Kubernetes", "connectedClusters",
                Pattern.compile("[a-zA-Z0-9]([-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?"),
                "1 to 63 letters, digits, hyphens, underscores and periods, starting and ending with a letter or digit"),
        USER_ASSIGNED_IDENTITY("Microsoft.ManagedIdentity", "userAssignedIdentities",
                Pattern.compile("[a-zA-Z0-9][-_a-zA-Z0-9]{2,127}"),
                "3 to 128 letters, digits, hyphens and underscores, starting with a letter or digit");

        private final String namespace;
        private final String type;
        private final Pattern namePattern;
        private final String nameRule;

        ResourceType(String namespace, String type, Pattern namePattern, String nameRule) {
            this.namespace = namespace;
            this.type = type;
            this.namePattern = namePattern;
            this.nameRule = nameRule;
        }

        public String qualifiedType() {
            return namespace + "/" + type;
        }
    }

    private static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    // Azure: 1-90 Unicode letters, digits, underscores, parentheses, hyphens and periods; not ending in a period.
    private static final Pattern RESOURCE_GROUP = Pattern.compile("(?U)[\\w\\-.()]{0,89}[\\w\\-()]");

    /** True when {@code name} follows Azure's resource group name rules. */
    public static boolean isValidResourceGroup(String name) {
        return name != null && RESOURCE_GROUP.matcher(name).matches();
    }

    /**
     * Parses {@code raw} as an id of the expected type.
     *
     * @throws IllegalArgumentException with a message that tells the user what is wrong
     */
    public static ArmResourceId parse(String raw, ResourceType expected) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("must not be blank");
        }
        String[] parts = raw.strip().split("/", -1);
        // "", subscriptions, <sub>, resourceGroups, <rg>, providers, <ns>, <type>, <name>
        if (parts.length != 9 || !parts[0].isEmpty()
                || !parts[1].equalsIgnoreCase("subscriptions")
                || !parts[3].equalsIgnoreCase("resourceGroups")
                || !parts[5].equalsIgnoreCase("providers")) {
            throw new IllegalArgumentException("must have the form /subscriptions/<subscription-guid>/resourceGroups/"
                    + "<resource-group>/providers/" + expected.qualifiedType() + "/<name>");
        }
        if (!GUID.matcher(parts[2]).matches()) {
            throw new IllegalArgumentException("subscription '" + parts[2] + "' is not a GUID");
        }
        if (!RESOURCE_GROUP.matcher(parts[4]).matches()) {
            throw new IllegalArgumentException("resource group '" + parts[4] + "' must be 1 to 90 letters, digits, "
                    + "underscores, hyphens, periods and parentheses, and must not end with a period");
        }
        if (!parts[6].equalsIgnoreCase(expected.namespace) || !parts[7].equalsIgnoreCase(expected.type)) {
            throw new IllegalArgumentException("must name a " + expected.qualifiedType() + " resource, not "
                    + parts[6] + "/" + parts[7]);
        }
        if (!expected.namePattern.matcher(parts[8]).matches()) {
            throw new IllegalArgumentException("name '" + parts[8] + "' must be " + expected.nameRule);
        }
        return new ArmResourceId(UUID.fromString(parts[2].toLowerCase(Locale.ROOT)), parts[4], expected, parts[8]);
    }

    @Override
    public String toString() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup + "/providers/"
                + type.qualifiedType() + "/" + name;
    }
}
