package io.pullbridge.bindings.connected;

import io.pullbridge.bindings.BindingMethodHandler;
import io.pullbridge.bindings.BindingRecords;
import io.pullbridge.bindings.BindingRules;
import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.BindingSpec;
import io.pullbridge.bindings.ConnectedRegistries;
import io.pullbridge.bindings.ConnectedRegistryMode;
import io.pullbridge.bindings.ConnectedRegistryOptions;
import io.pullbridge.bindings.ConnectedRegistrySpec;
import io.pullbridge.bindings.CreateBindingRequest;
import io.pullbridge.bindings.UpdateBindingRequest;
import io.pullbridge.clusters.ClusterKind;
import io.pullbridge.clusters.ClusterView;
import io.pullbridge.common.Cidr;
import io.pullbridge.common.EscalationProperties;
import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.registries.RegistryView;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.FieldViolation;
import io.pullbridge.web.ProblemType;
import io.pullbridge.web.RequestContext;
import io.pullbridge.web.Role;
import io.pullbridge.web.Violations;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The {@code connectedRegistry} of a create or update request: its syntax ({@link BindingRules#connectedRegistry}),
 * the actions its sync token gets (the Admin's to give), its address in the cluster's service CIDR, and its name and
 * address, which no other connected registry may hold.
 */
@Component
class ConnectedRegistryRequests implements BindingMethodHandler.Requests {

    static final String FIELD = "connectedRegistry";

    private final BindingRecords records;
    private final EscalationProperties escalation;

    ConnectedRegistryRequests(BindingRecords records, EscalationProperties escalation) {
        this.records = records;
        this.escalation = escalation;
    }

    @Override
    public String optionsField() {
        return FIELD;
    }

    @Override
    public String pendingMessage() {
        return "Waiting for PullBridge to create the connected registry and deploy it to the cluster";
    }

    @Override
    public BindingMethodHandler.Creation create(CreateBindingRequest request, Violations violations) {
        if (!violations.check(request.connectedRegistry() != null, FIELD,
                "is required for method connected-registry")) {
            return null;
        }
        ConnectedRegistrySpec spec = BindingRules.connectedRegistry(request.connectedRegistry(), FIELD, violations);
        return new BindingMethodHandler.Creation() {
            @Override
            public void authorize() {
                requireSyncActions(spec.mode());
            }

            @Override
            public BindingSpec spec(RegistryView registry, ClusterView cluster) {
                BindingRules.requireKind(cluster, ClusterKind.ARC,
                        "a connected registry runs on an Arc-enabled cluster");
                checkClusterIp(spec.clusterIP(), cluster);
                checkUnique(spec, registry, cluster);
                return BindingSpec.of(spec);
            }
        };
    }

    @Override
    public BindingSpec update(BindingSnapshot binding, UpdateBindingRequest request, Violations violations) {
        if (!violations.check(request.connectedRegistry() != null, FIELD, "is required: the fields to change")) {
            violations.throwIfAny();
        }
        ConnectedRegistryOptions changes = request.connectedRegistry();
        ConnectedRegistrySpec current = binding.connectedRegistry();
        violations.check(changes.name() == null || changes.name().equals(current.name()), FIELD + ".name",
                "cannot change");
        violations.check(changes.mode() == null || changes.mode() == current.mode(), FIELD + ".mode",
                "cannot change: a connected registry's mode is fixed when it is created");
        violations.check(changes.clusterIP() == null || changes.clusterIP().equals(current.clusterIP()),
                FIELD + ".clusterIP", "cannot change");
        violations.check(changes.secretName() == null || changes.secretName().equals(current.secretName()),
                FIELD + ".secretName", "cannot change");
        ConnectedRegistryOptions merged = new ConnectedRegistryOptions(current.name(), current.mode(),
                changes.repositories() != null ? changes.repositories() : current.repositories(),
                current.clusterIP(),
                changes.syncSchedule() != null ? changes.syncSchedule() : current.syncSchedule(),
                changes.syncWindow() != null ? blankToNull(changes.syncWindow()) : current.syncWindow(),
                current.secretName(),
                changes.namespaces() != null ? changes.namespaces() : current.namespaces());
        ConnectedRegistrySpec spec = BindingRules.connectedRegistry(merged, FIELD, violations);
        violations.throwIfAny();
        return BindingSpec.of(spec);
    }

    /**
     * A connected registry's sync token gets its mode's actions on the synced repositories, and its password goes to
     * the cluster (the Arc extension's protected settings): a {@code ReadWrite} one can push. Those actions are the
     * Admin's to give, as they are on a registry token, unless {@code pullbridge.security.operator-token-actions}
     * lets Operators give them.
     */
    private void requireSyncActions(ConnectedRegistryMode mode) {
        List<String> reserved = ConnectedRegistries.repositoryActions(mode).stream()
                .filter(action -> !escalation.operatorTokenActions().contains(action)).sorted().toList();
        if (!reserved.isEmpty()) {
            RequestContext.require(Role.ADMIN, "a " + mode + " connected registry's sync token gets "
                    + String.join(", ", reserved) + ", which is reserved to Admin; Operators may give only "
                    + (escalation.operatorTokenActions().isEmpty() ? "no action"
                    : String.join(", ", new TreeSet<>(escalation.operatorTokenActions())))
                    + " (" + EscalationProperties.TOKEN_ACTIONS + ")");
        }
    }

    private static void checkClusterIp(String clusterIp, ClusterView cluster) {
        if (cluster.serviceCidr() == null) {
            return;
        }
        String path = FIELD + ".clusterIP";
        Cidr cidr = Cidr.parse(cluster.serviceCidr());
        InetAddress address = Cidr.parseIpLiteral(clusterIp);
        if (!cidr.contains(address)) {
            throw ApiException.semantic(path, clusterIp + " is outside the cluster's service CIDR "
                    + cluster.serviceCidr());
        }
        InetAddress network = cidr.network();
        byte[] first = network.getAddress();
        first[first.length - 1] |= 1;
        if (address.equals(network) || Arrays.equals(address.getAddress(), first)) {
            throw ApiException.semantic(path, clusterIp + " is reserved in " + cluster.serviceCidr()
                    + " (the network address, or the first address, which the kubernetes Service holds)");
        }
    }

    private void checkUnique(ConnectedRegistrySpec spec, RegistryView registry, ClusterView cluster) {
        taken(records.connectedRegistriesNamed(registry.id(), spec.name()), "Registry " + registry.name()
                + " already has a connected registry named " + spec.name(), ".name", "is taken in this registry");
        // The Arc extension is named after the connected registry, and extension names are unique per cluster: two
        // connected registries of one name (from two registries) would fight over one extension.
        taken(records.connectedRegistriesOnClusterNamed(cluster.id(), spec.name()), "Cluster " + cluster.name()
                + " already runs a connected registry named " + spec.name() + " (from another registry): its Arc "
                + "extension takes that name", ".name", "is taken in this cluster");
        taken(records.connectedRegistriesAt(cluster.id(), spec.clusterIP()), "Cluster " + cluster.name()
                + " already has a connected registry at " + spec.clusterIP(), ".clusterIP", "is taken in this cluster");
    }

    private static void taken(List<String> holders, String detail, String field, String message) {
        if (!holders.isEmpty()) {
            throw new ApiException(ProblemType.ALREADY_EXISTS, detail,
                    List.of(new FieldViolation(FIELD + field, message)),
                    List.of(new Reference(ResourceKinds.BINDING, UUID.fromString(holders.get(0)))));
        }
    }

    private static String blankToNull(String value) {
        return value.isBlank() ? null : value;
    }
}
