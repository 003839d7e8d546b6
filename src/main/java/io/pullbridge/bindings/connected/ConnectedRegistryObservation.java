package io.pullbridge.bindings.connected;

import io.pullbridge.bindings.BindingRecords;
import io.pullbridge.bindings.ConnectedRegistries;
import io.pullbridge.bindings.ConnectedRegistries.ConnectedRegistryFacts;
import io.pullbridge.bindings.ConnectedRegistries.ExtensionFacts;
import io.pullbridge.bindings.ConnectedRegistryStatus;
import io.pullbridge.bindings.ConnectedRegistryStatus.Observed;
import io.pullbridge.bindings.ConnectedRegistryStatus.Progress;
import io.pullbridge.bindings.PullSecretStatus;
import io.pullbridge.common.Condition;
import io.pullbridge.common.ResourceStatus;
import io.pullbridge.jobs.JobContext;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/** The end of a connected-registry pass: reads the connected registry and records what the pass found. */
@Component
class ConnectedRegistryObservation {

    private final ConnectedRegistries connected;
    private final BindingRecords bindings;
    private final ConnectedRegistryRecords records;
    private final Clock clock;

    ConnectedRegistryObservation(ConnectedRegistries connected, BindingRecords bindings,
                                 ConnectedRegistryRecords records, Clock clock) {
        this.connected = connected;
        this.bindings = bindings;
        this.records = records;
        this.clock = clock;
    }

    Observed finish(JobContext job, ConnectedRegistryTarget target, ExtensionFacts extension, PullSecretStatus secrets,
                    List<String> drift) throws Exception {
        Observed seen = job.step("read-status", () -> {
            ConnectedRegistryFacts facts = connected.read(target.registryId(), target.name()).orElse(null);
            return records.observed(job.mask(), target, extension, facts, null);
        }, observed -> "connected registry " + target.name() + ": " + observed.connectionState() + ", "
                + observed.activationStatus() + (observed.lastSyncTime() == null ? ""
                : ", last synced " + observed.lastSyncTime()));
        job.step("record", () -> {
            bindings.update(job, target.binding().id(), row -> {
                ConnectedRegistryStatus current = ConnectedRegistryRecords.status(row.getConnectedRegistryStatus());
                row.setConnectedRegistryStatus(current.with(seen).with(new Progress(null, null,
                        current.progress().deleteStartedAt())));
                row.setPullSecretStatus(secrets);
                row.reconciled(clock.instant(), drift);
                boolean secretsOk = secrets.failed() + secrets.conflicts() == 0;
                row.getStatus().setCondition(seen.online() && secretsOk
                        ? new Condition(ResourceStatus.DEGRADED, "False", "ConnectedRegistryOnline",
                        "Connected registry " + target.name() + " is Online; " + secrets.ready() + " of "
                                + secrets.targeted() + " namespaces hold the pull secret", clock.instant())
                        : new Condition(ResourceStatus.DEGRADED, "True", !seen.online() ? "ConnectedRegistryOffline"
                        : secrets.conflicts() > 0 ? "SecretConflict" : "NamespaceFailed", !seen.online()
                        ? "Connected registry " + target.name() + " is " + seen.connectionState()
                        + (seen.statusDetails().isEmpty() ? "" : ": " + String.join("; ", seen.statusDetails()))
                        : secrets.failed() + " failed, " + secrets.conflicts() + " in conflict", clock.instant()));
                row.touched(clock.instant());
            });
            return seen.connectionState() + "; " + secrets.ready() + " ready, " + secrets.pending() + " pending, "
                    + secrets.failed() + " failed, " + secrets.conflicts() + " in conflict";
        });
        return seen;
    }
}
