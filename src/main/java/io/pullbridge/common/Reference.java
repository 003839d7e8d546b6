package io.pullbridge.common;

import java.util.UUID;

/** A resource that points at another one, named so a refused delete can say what blocks it. */
public record Reference(String kind, UUID id) {
}
