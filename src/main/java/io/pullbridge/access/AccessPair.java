package io.pullbridge.access;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A cluster and a registry that bindings join, with those bindings and the state of the pair. */
@Schema(description = "A cluster and a registry that bindings join; state is the worst of its bindings' states")
public record AccessPair(Cluster cluster, Registry registry, AccessState state, List<Binding> bindings) {

    public record Cluster(UUID id, String name) {
    }

    public record Registry(UUID id, String name, String loginServer) {
    }

    /**
     * One binding of the pair.
     *
     * @param lastVerification the latest {@code binding.verify} job that ended, absent when none did
     * @param credential       the password behind the binding, absent for methods without one PullBridge tracks
     */
    public record Binding(UUID id, String method, String phase, AccessState state,
                          @JsonInclude(Include.NON_NULL) String message,
                          @JsonInclude(Include.NON_NULL) Verification lastVerification,
                          @JsonInclude(Include.NON_NULL) Credential credential) {
    }

    /** @param problemType the failed verification's problem type */
    public record Verification(String result, Instant at, UUID jobId,
                               @JsonInclude(Include.NON_NULL) String problemType) {
    }

    /** @param expiresAt absent when the password does not expire or its expiry is unknown */
    public record Credential(String kind, UUID id, @JsonInclude(Include.NON_NULL) Instant expiresAt) {
    }
}
