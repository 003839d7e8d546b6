package io.pullbridge.principals;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The registry roles a grant can give, as {@code az ad sp create-for-rbac --role} names them. */
public enum AcrRole {
    @JsonProperty("acrpull") ACRPULL("acrpull", "AcrPull"),
    @JsonProperty("acrpush") ACRPUSH("acrpush", "AcrPush"),
    @JsonProperty("owner") OWNER("owner", "Owner");

    private final String value;
    private final String builtInRoleName;

    AcrRole(String value, String builtInRoleName) {
        this.value = value;
        this.builtInRoleName = builtInRoleName;
    }

    public String value() {
        return value;
    }

    /** The Azure built-in role definition's name. */
    public String builtInRoleName() {
        return builtInRoleName;
    }

    public static AcrRole fromValue(String value) {
        for (AcrRole role : values()) {
            if (role.value.equals(value)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role " + value);
    }

    @Override
    public String toString() {
        return value;
    }
}
