package io.pullbridge.common;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Port: user-assigned managed identities and their federated identity credentials, the Azure side of a
 * workload-identity binding; the {@code azure} adapter implements it. Identities are named by their ARM resource id
 * ({@code /subscriptions/<s>/resourceGroups/<g>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>}).
 * <p>
 * Entra keeps at most {@link #MAX_FEDERATED_CREDENTIALS} federated credentials on one identity and applies one change
 * to them at a time: a write that overlaps another fails with a 409 the adapter reports as a transient failure, so
 * the job retries it after a back-off. Callers serialise their own writes per identity.
 */
public interface ManagedIdentities {

    /** Entra's limit of federated identity credentials on one user-assigned identity. */
    int MAX_FEDERATED_CREDENTIALS = 20;

    /** The audience a Kubernetes ServiceAccount token carries when it is exchanged for an ACR token. */
    String ACR_TOKEN_EXCHANGE_AUDIENCE = "api://AzureCRTokenExchange";

    /**
     * Creates the identity in {@code location} with the tags, or answers the one already there (its client and
     * principal ids never change; its tags are left as they are). Idempotent.
     */
    Identity ensure(String identityId, String location, Map<String, String> tags);

    /** The identity, or empty when there is none under that id. */
    Optional<Identity> find(String identityId);

    /** Deletes the identity; nothing happens when it is already gone. */
    void delete(String identityId);

    /** The identity's federated credentials (all of them, whoever made them). */
    List<FederatedCredential> federatedCredentials(String identityId);

    /** Creates or replaces the federated credential of that name. */
    FederatedCredential put(String identityId, FederatedCredential credential);

    /** Removes the federated credential of that name; nothing happens when it is already gone. */
    void remove(String identityId, String credentialName);

    /**
     * A user-assigned identity as Azure reports it.
     *
     * @param clientId    what a workload presents (the {@code azure.workload.identity/client-id} annotation)
     * @param principalId the enterprise application's object id, which role assignments name
     */
    record Identity(String id, String name, String location, UUID clientId, UUID principalId, UUID tenantId,
                    Map<String, String> tags) {

        public Identity {
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }
    }

    /**
     * A federated identity credential: tokens from {@code issuer} about {@code subject} for one of the
     * {@code audiences} sign in as the identity.
     */
    record FederatedCredential(String name, String issuer, String subject, List<String> audiences) {

        public FederatedCredential {
            audiences = List.copyOf(audiences);
        }

        /** Whether it trusts the same tokens as {@code other} (names aside). */
        public boolean trustsTheSameAs(FederatedCredential other) {
            return issuer.equals(other.issuer) && subject.equals(other.subject) && audiences.equals(other.audiences);
        }
    }
}
