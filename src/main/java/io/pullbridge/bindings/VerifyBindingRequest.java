package io.pullbridge.bindings;

import io.swagger.v3.oas.annotations.media.Schema;

/** @param image for pull-secret bindings: also prove pull access to this image (its manifest), e.g. {@code team-a/app:1.0} */
record VerifyBindingRequest(@Schema(description = "Image to prove pull access to (pull-secret bindings), e.g. "
        + "team-a/app:1.0; the tag defaults to latest", example = "team-a/app:1.0") String image) {
}
