package io.pullbridge.bindings;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A connected registry's mode, as ACR names it. */
public enum ConnectedRegistryMode {
    @JsonProperty("ReadOnly") READ_ONLY("ReadOnly"),
    @JsonProperty("ReadWrite") READ_WRITE("ReadWrite");

    private final String value;

    ConnectedRegistryMode(String value) {
        this.value = value;
    }

    @Override
    public String toString() {
        return value;
    }
}
