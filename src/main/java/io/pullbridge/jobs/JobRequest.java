package io.pullbridge.jobs;

import java.util.Map;
import java.util.UUID;

/**
 * A job to enqueue.
 *
 * @param data small, secret-free parameters the handler needs besides its target's current spec
 */
public record JobRequest(String type, String targetKind, UUID targetId, Map<String, String> data) {

    public JobRequest {
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    public static JobRequest of(String type, String targetKind, UUID targetId) {
        return new JobRequest(type, targetKind, targetId, Map.of());
    }
}
