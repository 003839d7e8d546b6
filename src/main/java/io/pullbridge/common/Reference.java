package io.pullbridge.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import java.util.UUID;

/**
 * A resource that points at another one, named so a refused delete can say what blocks it.
 *
 * @param name what a person calls it (a token's or principal's name; for a binding, its registry, cluster and
 *             method); absent where a reference only identifies a resource
 */
public record Reference(String kind, UUID id, @JsonInclude(Include.NON_NULL) String name) {

    public Reference(String kind, UUID id) {
        this(kind, id, null);
    }
}
