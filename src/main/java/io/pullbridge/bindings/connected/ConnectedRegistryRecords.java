package io.pullbridge.bindings.connected;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.bindings.BindingRecords;
import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.ConnectedRegistries.ConnectedRegistryFacts;
import io.pullbridge.bindings.ConnectedRegistries.ExtensionFacts;
import io.pullbridge.bindings.ConnectedRegistryStatus;
import io.pullbridge.bindings.ConnectedRegistryStatus.Observed;
import io.pullbridge.clusters.ClusterService;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.common.SecretMask;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobProblem;
import io.pullbridge.registries.RegistryService;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Component;

/**
 * What a connected-registry binding's jobs read and record on its row: the target they work against, the connected
 * registry status they keep between runs, the drift and the audit events of what they made.
 */
@Component
class ConnectedRegistryRecords {

    private final BindingRecords records;
    private final RegistryService registries;
    private final ClusterService clusters;
    private final AuditLog audit;
    private final Clock clock;

    ConnectedRegistryRecords(BindingRecords records, RegistryService registries, ClusterService clusters,
                             AuditLog audit, Clock clock) {
        this.records = records;
        this.registries = registries;
        this.clusters = clusters;
        this.audit = audit;
        this.clock = clock;
    }

    ConnectedRegistryTarget target(BindingSnapshot binding) {
        return new ConnectedRegistryTarget(binding, binding.connectedRegistry(),
                registries.find(binding.registryId()).orElseThrow(() -> gone("registry")),
                clusters.find(binding.clusterId()).orElseThrow(() -> gone("cluster")));
    }

    BindingSnapshot snapshot(UUID id) {
        return records.find(id).orElseThrow(() -> gone("binding"));
    }

    ConnectedRegistryStatus status(UUID id) {
        return status(snapshot(id));
    }

    static ConnectedRegistryStatus status(BindingSnapshot binding) {
        return status(binding.connectedRegistryStatus());
    }

    static ConnectedRegistryStatus status(ConnectedRegistryStatus status) {
        return status == null ? ConnectedRegistryStatus.empty() : status;
    }

    void record(JobContext job, UUID id, UnaryOperator<ConnectedRegistryStatus> change) {
        records.update(job, id, row -> row.setConnectedRegistryStatus(change.apply(
                status(row.getConnectedRegistryStatus()))));
    }

    void audit(JobContext job, String action, UUID id, String detail) {
        job.fenced(() -> audit.recordBy(job.requestedBy(), action, ResourceKinds.BINDING, id, AuditLog.SUCCESS,
                detail));
    }

    void recordDrift(JobContext job, UUID id, List<String> drift) {
        records.update(job, id, row -> row.drifted(drift));
    }

    List<String> drift(UUID id) {
        return records.drift(id);
    }

    /**
     * What Azure reports, as the binding's status shows it. Its extension error and status lines are Azure's words and
     * the extension's Helm output, which may quote the connection string or a token password: masked for the job's
     * secrets and for any connection-string password.
     */
    Observed observed(SecretMask mask, ConnectedRegistryTarget target, ExtensionFacts extension,
                      ConnectedRegistryFacts facts, Observed previous) {
        Instant now = clock.instant();
        if (facts == null && previous != null) {
            return new Observed(target.extension(), extension == null ? null : extension.provisioningState(),
                    extension == null ? null : extension.version(), extensionError(mask, extension),
                    previous.provisioningState(), previous.connectionState(), previous.activationStatus(),
                    previous.version(), previous.lastSyncTime(), previous.lastActivityTime(), previous.syncSchedule(),
                    previous.syncWindow(), previous.loginServerHost(), previous.statusDetails(), now);
        }
        return new Observed(target.extension(), extension == null ? null : extension.provisioningState(),
                extension == null ? null : extension.version(), extensionError(mask, extension),
                facts == null ? null : facts.provisioningState(), facts == null ? null : facts.connectionState(),
                facts == null ? null : facts.activationStatus(), facts == null ? null : facts.version(),
                facts == null ? null : facts.lastSyncTime(), facts == null ? null : facts.lastActivityTime(),
                facts == null ? target.spec().syncSchedule() : facts.syncSchedule(),
                facts == null || facts.syncWindow() == null ? target.spec().syncWindow()
                        : facts.syncWindow().toString(),
                facts == null ? null : facts.loginServerHost(), facts == null ? List.of()
                : facts.statusDetails().stream().map(d -> mask.apply(d.code() + ": " + d.description())).toList(),
                now);
    }

    private static String extensionError(SecretMask mask, ExtensionFacts extension) {
        return extension == null ? null : extension.problem().map(JobProblem::detail).map(mask::apply).orElse(null);
    }

    private static JobFailure gone(String what) {
        return JobFailure.permanent("invalid-state", "The binding's " + what + " is gone", 409,
                "The " + what + " this binding names is no longer registered");
    }
}
