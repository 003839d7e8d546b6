package io.pullbridge.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.DoubleSupplier;

/**
 * The time to expiry of one kind of credential (service principal passwords, registry token passwords), one series
 * per credential, labelled by PullBridge's id of it and never by anything secret:
 * {@code pullbridge_credential_expires_in_seconds{credential_id,kind,rotation}} (negative once expired;
 * {@code rotation} is {@code automatic} when PullBridge rotates it by itself, else {@code manual}) and, for those rotated
 * automatically, {@code pullbridge_credential_rotation_due_in_seconds{credential_id,kind}} (negative once the rotation
 * is overdue). Both are worked out from the clock at each scrape, from expiry dates read at each refresh.
 */
public final class CredentialExpiryGauges {

    private final String kind;
    private final Clock clock;
    private final LabelledGauge expiresIn;
    private final LabelledGauge rotationDueIn;

    /**
     * A credential PullBridge tracks.
     *
     * @param automaticRotationAt when PullBridge will rotate it by itself, or null when it will not
     */
    public record Credential(UUID id, Instant expiresAt, Instant automaticRotationAt) {
    }

    private CredentialExpiryGauges(String kind, Clock clock, LabelledGauge expiresIn, LabelledGauge rotationDueIn) {
        this.kind = kind;
        this.clock = clock;
        this.expiresIn = expiresIn;
        this.rotationDueIn = rotationDueIn;
    }

    /** @param kind the {@code kind} label, e.g. {@code service-principal} */
    public static CredentialExpiryGauges register(MeterRegistry registry, String kind, Clock clock) {
        return new CredentialExpiryGauges(kind, clock,
                LabelledGauge.register(registry, "pullbridge.credential.expires.in",
                        "Time until a credential's current password expires (negative once expired)", "seconds"),
                LabelledGauge.register(registry, "pullbridge.credential.rotation.due.in",
                        "Time until PullBridge rotates a credential by itself (negative once overdue)", "seconds"));
    }

    /** The series from now on: exactly these credentials. */
    public void set(Collection<Credential> credentials) {
        Map<Tags, DoubleSupplier> expiry = new LinkedHashMap<>();
        Map<Tags, DoubleSupplier> rotation = new LinkedHashMap<>();
        for (Credential credential : credentials) {
            String id = credential.id().toString();
            boolean automatic = credential.automaticRotationAt() != null;
            Instant expiresAt = credential.expiresAt();
            expiry.put(Tags.of("credential_id", id, "kind", kind, "rotation", automatic ? "automatic" : "manual"),
                    () -> secondsUntil(expiresAt));
            if (automatic) {
                Instant due = credential.automaticRotationAt();
                rotation.put(Tags.of("credential_id", id, "kind", kind), () -> secondsUntil(due));
            }
        }
        expiresIn.set(expiry);
        rotationDueIn.set(rotation);
    }

    private double secondsUntil(Instant instant) {
        return (instant.toEpochMilli() - clock.millis()) / 1000.0;
    }
}
