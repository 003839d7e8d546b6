package io.pullbridge.web;

import io.pullbridge.common.ResourceEntity;
import java.net.URI;
import org.springframework.http.ResponseEntity;

/**
 * The answers the resource endpoints share. Every representation carries its ETag (the resource's version); a write
 * that a job carries out answers 202 with the job's address in {@code Operation-Location}.
 */
public final class Responses {

    public static final String OPERATION_LOCATION = "Operation-Location";

    private Responses() {
    }

    /** 200: the representation with its ETag. */
    public static <T> ResponseEntity<T> ok(long version, T body) {
        return ResponseEntity.ok().eTag(ETags.of(version)).body(body);
    }

    /** 202 for a new resource at {@code location}: its latest job (the one that makes it) is at Operation-Location. */
    public static <T> ResponseEntity<T> accepted(URI location, ResourceEntity resource, T body) {
        return accepted(location, "/api/v1/jobs/" + resource.getStatus().jobId(), resource.getVersion(), body);
    }

    /** 202 for a change to the resource at {@code location} that the job at {@code jobLocation} carries out. */
    public static <T> ResponseEntity<T> accepted(URI location, String jobLocation, long version, T body) {
        return ResponseEntity.accepted()
                .location(location)
                .header(OPERATION_LOCATION, jobLocation)
                .eTag(ETags.of(version))
                .body(body);
    }

    /** 202 for a change the job at {@code jobLocation} carries out (a delete, say), without a Location. */
    public static <T> ResponseEntity<T> accepted(String jobLocation, long version, T body) {
        return ResponseEntity.accepted()
                .header(OPERATION_LOCATION, jobLocation)
                .eTag(ETags.of(version))
                .body(body);
    }
}
