package io.pullbridge.jobs;

import java.util.UUID;

/**
 * The job that will carry out a request.
 *
 * @param coalesced true when an identical job was already queued for the target and will do the work instead
 */
public record JobRef(UUID id, boolean coalesced) {

    public String location() {
        return "/api/v1/jobs/" + id;
    }
}
