package io.pullbridge.bindings;

import io.pullbridge.common.ResourceStatus;
import io.pullbridge.crypto.EncryptedSecret;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a method's job may change on its binding's row, through {@link BindingRecords#update}: its status, the
 * drift it found, and the method's own observed state. The spec is not here: only the API changes it.
 */
public interface BindingRow {

    UUID getId();

    ResourceStatus getStatus();

    void touched(Instant now);

    void setKubeletAssignment(KubeletAssignment kubeletAssignment);

    void setPullSecretStatus(PullSecretStatus pullSecretStatus);

    ConnectedRegistryStatus getConnectedRegistryStatus();

    void setConnectedRegistryStatus(ConnectedRegistryStatus connectedRegistryStatus);

    void setClientTokenPassword(EncryptedSecret clientTokenPassword);

    WorkloadIdentityStatus getWorkloadIdentityStatus();

    void setWorkloadIdentityStatus(WorkloadIdentityStatus workloadIdentityStatus);

    /** What the connected registry client token's password is bound to, for its encryption. */
    String clientTokenContext();

    /** Holds (or, with null, drops) the sync token password an extension is being given, encrypted. */
    void setSyncTokenPassword(EncryptedSecret syncTokenPassword);

    /** What that sync token password is bound to, for its encryption. */
    String syncTokenContext();

    /** Records the drift a pass has repaired so far, before it waits (not a finished pass). */
    void drifted(List<String> found);

    /** Records a pass that compared the binding with the world, and the drift it found (empty: none). */
    void reconciled(Instant when, List<String> found);
}
