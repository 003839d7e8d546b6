package io.pullbridge.bindings;

import io.pullbridge.common.CredentialRotated;
import io.pullbridge.common.CredentialUsers;
import io.pullbridge.common.Phase;
import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Pull-secret bindings as users of service principals' and registry tokens' passwords. When a credential rotates,
 * every binding that carries it gets a {@code binding.apply} job, which writes the new password into each of its
 * namespaces; the rotation retires the old password only once every such binding reports that all the namespaces
 * it could write hold the new one.
 */
@Component
class BindingCredentialUsers implements CredentialUsers {

    private static final Logger log = LoggerFactory.getLogger(BindingCredentialUsers.class);

    private final BindingRepository bindings;
    private final JobService jobs;
    private final TransactionTemplate tx;

    BindingCredentialUsers(BindingRepository bindings, JobService jobs, PlatformTransactionManager transactions) {
        this.bindings = bindings;
        this.jobs = jobs;
        this.tx = new TransactionTemplate(transactions);
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @Override
    public List<String> notYetSwitched(Reference credential, String fingerprint) {
        List<String> pending = new ArrayList<>();
        tx.executeWithoutResult(status -> {
            for (Binding binding : bindings.findAllById(users(credential))) {
                if (binding.getStatus().phase() == Phase.Deleting) {
                    continue;
                }
                PullSecretStatus secrets = binding.getPullSecretStatus();
                if (secrets == null || !fingerprint.equals(secrets.credentialFingerprint())) {
                    pending.add("binding " + binding.getId() + " (cluster " + binding.getClusterId()
                            + "): its secrets do not hold the new password yet");
                } else if (secrets.failed() > 0) {
                    pending.add("binding " + binding.getId() + " (cluster " + binding.getClusterId() + "): "
                            + secrets.failed() + " namespace" + (secrets.failed() == 1 ? "" : "s")
                            + " could not be written and may still hold the old password");
                }
            }
        });
        return pending;
    }

    /** A credential rotated: every binding that carries it writes the new password now. */
    @TransactionalEventListener(fallbackExecution = true)
    void rotated(CredentialRotated event) {
        int enqueued = tx.execute(status -> {
            List<UUID> users = users(event.credential());
            users.forEach(id -> jobs.enqueue(JobRequest.of(BindingJobs.APPLY, ResourceKinds.BINDING, id)));
            return users.size();
        });
        if (enqueued > 0) {
            log.info("{} {} rotated: {} binding(s) will write its new password", event.credential().kind(),
                    event.credential().id(), enqueued);
        }
    }

    private List<UUID> users(Reference credential) {
        return switch (credential.kind()) {
            case ResourceKinds.SERVICE_PRINCIPAL -> bindings.findIdsByServicePrincipalId(credential.id());
            case ResourceKinds.REGISTRY_TOKEN -> bindings.findIdsByTokenId(credential.id());
            default -> List.of();
        };
    }
}
