package io.pullbridge.common;

import java.util.List;
import java.util.UUID;

/**
 * Answers "who uses this resource?". Each feature that points at another feature's resources
 * implements it, so the owner can refuse a delete without depending on the features that use it.
 */
public interface ResourceReferences {

    /**
     * @param kind the referenced resource's kind: {@code registry}, {@code cluster},
     *             {@code service-principal} or {@code registry-token}
     * @return the resources that reference it; empty when nothing does
     */
    List<Reference> referencesTo(String kind, UUID id);
}
