package io.pullbridge.bindings;

import io.pullbridge.jobs.JobContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** How a method's job reads its binding again and records what it made or found on the binding's row. */
@Component
public class BindingRecords {

    private final BindingRepository bindings;
    private final TransactionTemplate tx;

    BindingRecords(BindingRepository bindings, TransactionTemplate tx) {
        this.bindings = bindings;
        this.tx = tx;
    }

    /** The binding as it is now, read in one transaction; empty when it is gone. */
    public Optional<BindingSnapshot> find(UUID id) {
        return tx.execute(status -> bindings.findById(id).map(BindingSnapshot::of));
    }

    /** The drift the binding's row holds now. */
    public List<String> drift(UUID id) {
        return tx.execute(status -> bindings.findById(id).map(Binding::getDrift).orElse(List.of()));
    }

    /**
     * Changes the binding's row, fenced by the job's run token (see {@link JobContext#fenced}); nothing when the row
     * is gone. Whatever else {@code change} writes joins the same transaction.
     */
    public void update(JobContext job, UUID id, Consumer<BindingRow> change) {
        job.fenced(() -> bindings.findById(id).ifPresent(change));
    }

    /** In the caller's transaction: the connected-registry bindings of the registry whose connected registry is named so. */
    public List<String> connectedRegistriesNamed(UUID registryId, String name) {
        return bindings.findConnectedRegistryByName(registryId, name);
    }

    /** In the caller's transaction: the connected-registry bindings on the cluster whose connected registry is named so. */
    public List<String> connectedRegistriesOnClusterNamed(UUID clusterId, String name) {
        return bindings.findConnectedRegistryOnClusterByName(clusterId, name);
    }

    /** In the caller's transaction: the connected-registry bindings on the cluster that listen at {@code clusterIp}. */
    public List<String> connectedRegistriesAt(UUID clusterId, String clusterIp) {
        return bindings.findConnectedRegistryByClusterIp(clusterId, clusterIp);
    }

    /**
     * Takes, until the caller's transaction ends, the advisory lock named {@code name}: a kubelet role assignment's,
     * or a user-assigned identity's federated credentials (Entra applies one change to them at a time). The lock's key
     * is the first 64 bits of a SHA-256 of the name: a collision only makes two unrelated holders wait for each other.
     */
    public void lock(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            bindings.lockAdvisory(ByteBuffer.wrap(digest).getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records, in the caller's transaction, the assignment a kubelet-identity binding's attach made or found. */
    public void claimKubeletAssignment(UUID bindingId, String assignmentId) {
        bindings.claimKubeletAssignment(bindingId, assignmentId);
    }

    /** The other live workload-identity bindings that hold this role assignment (a named identity's). */
    public List<String> otherWorkloadIdentityHolders(String assignmentId, UUID bindingId) {
        return bindings.findOtherWorkloadIdentityHolders(assignmentId, bindingId);
    }

    /** The other live bindings that claim or hold this role assignment. */
    public List<String> otherKubeletHolders(String assignmentId, UUID bindingId) {
        return bindings.findOtherKubeletHolders(assignmentId, bindingId);
    }
}
