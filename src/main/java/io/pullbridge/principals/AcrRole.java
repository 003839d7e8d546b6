package io.pullbridge.principals;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pullbridge.common.AzureRole;
import jakarta.persistence.EnumeratedValue;

/** The registry roles a grant can give, as {@code az ad sp create-for-rbac --role} names them. */
public enum AcrRole {
    @JsonProperty("acrpull") ACRPULL("acrpull", AzureRole.ACR_PULL),
    @JsonProperty("acrpush") ACRPUSH("acrpush", AzureRole.ACR_PUSH),
    @JsonProperty("owner") OWNER("owner", AzureRole.OWNER);

    @EnumeratedValue
    private final String value;
    private final AzureRole azureRole;

    AcrRole(String value, AzureRole azureRole) {
        this.value = value;
        this.azureRole = azureRole;
    }

    public String value() {
        return value;
    }

    /** The Azure built-in role definition's name. */
    public String builtInRoleName() {
        return azureRole.roleName();
    }

    /** The built-in role assigned at the registry's scope for this grant. */
    public AzureRole azureRole() {
        return azureRole;
    }

    /**
     * The built-in role to assign on a registry: on one with ABAC repository permissions, where ACR does not honor
     * AcrPull and AcrPush, {@code acrpull} is Container Registry Repository Reader and {@code acrpush} Container
     * Registry Repository Writer.
     */
    public AzureRole azureRole(boolean abacEnabled) {
        if (!abacEnabled) {
            return azureRole;
        }
        return switch (this) {
            case ACRPULL -> AzureRole.REPOSITORY_READER;
            case ACRPUSH -> AzureRole.REPOSITORY_WRITER;
            case OWNER -> AzureRole.OWNER;
        };
    }

    @Override
    public String toString() {
        return value;
    }
}
