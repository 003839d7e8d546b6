package io.pullbridge.principals;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.persistence.EnumeratedValue;

/** How PullBridge came to hold a service principal: it created it, or it adopted an existing one. */
public enum PrincipalMode {
    @JsonProperty("create") CREATE("create"),
    @JsonProperty("adopt") ADOPT("adopt");

    @EnumeratedValue
    private final String value;

    PrincipalMode(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
