package io.pullbridge.azure;

import com.azure.resourcemanager.msi.fluent.ManagedServiceIdentityClient;
import com.azure.resourcemanager.msi.fluent.models.FederatedIdentityCredentialInner;
import com.azure.resourcemanager.msi.fluent.models.IdentityInner;
import io.pullbridge.common.ArmResourceId;
import io.pullbridge.common.ManagedIdentities;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * User-assigned identities and their federated credentials through ARM's {@code Microsoft.ManagedIdentity} provider.
 * An identity is made with a PUT that answers the existing one unchanged when it is there (the read first keeps
 * its tags and ids as they are: a PUT would replace the tags). A federated-credential write that overlaps another on
 * the same identity is refused by Entra with {@code 409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity},
 * which {@link AzureFailures} makes a transient failure.
 */
@Component
final class AzureManagedIdentities implements ManagedIdentities {

    private final AzureClients clients;

    AzureManagedIdentities(AzureClients clients) {
        this.clients = clients;
    }

    @Override
    public Identity ensure(String identityId, String location, Map<String, String> tags) {
        ArmResourceId id = parse(identityId);
        Optional<Identity> existing = find(identityId);
        if (existing.isPresent()) {
            return existing.get();
        }
        return toIdentity(AzureFailures.arm("creating user-assigned identity " + id, () -> client(id)
                .getUserAssignedIdentities().createOrUpdate(id.resourceGroup(), id.name(),
                        new IdentityInner().withLocation(location).withTags(tags))));
    }

    @Override
    public Optional<Identity> find(String identityId) {
        ArmResourceId id = parse(identityId);
        return AzureFailures.armOptional("reading user-assigned identity " + id, () -> client(id)
                .getUserAssignedIdentities().getByResourceGroup(id.resourceGroup(), id.name()))
                .map(AzureManagedIdentities::toIdentity);
    }

    @Override
    public void delete(String identityId) {
        ArmResourceId id = parse(identityId);
        AzureFailures.delete(AzureFailures.Api.ARM, "deleting user-assigned identity " + id,
                () -> client(id).getUserAssignedIdentities().delete(id.resourceGroup(), id.name()));
    }

    @Override
    public List<FederatedCredential> federatedCredentials(String identityId) {
        ArmResourceId id = parse(identityId);
        return AzureFailures.arm("listing the federated credentials of " + id, () -> client(id)
                .getFederatedIdentityCredentials().list(id.resourceGroup(), id.name()).stream()
                .map(AzureManagedIdentities::toCredential)
                .toList());
    }

    @Override
    public FederatedCredential put(String identityId, FederatedCredential credential) {
        ArmResourceId id = parse(identityId);
        FederatedIdentityCredentialInner inner = new FederatedIdentityCredentialInner()
                .withIssuer(credential.issuer())
                .withSubject(credential.subject())
                .withAudiences(credential.audiences());
        return toCredential(AzureFailures.arm("writing federated credential " + credential.name() + " of " + id
                        + " (subject " + credential.subject() + ")",
                () -> client(id).getFederatedIdentityCredentials().createOrUpdate(id.resourceGroup(), id.name(),
                        credential.name(), inner)));
    }

    @Override
    public void remove(String identityId, String credentialName) {
        ArmResourceId id = parse(identityId);
        AzureFailures.delete(AzureFailures.Api.ARM, "removing federated credential " + credentialName + " of " + id,
                () -> client(id).getFederatedIdentityCredentials().delete(id.resourceGroup(), id.name(),
                        credentialName));
    }

    private ManagedServiceIdentityClient client(ArmResourceId id) {
        return clients.subscription(id.subscriptionId()).identities();
    }

    private static ArmResourceId parse(String identityId) {
        return ArmResourceId.parse(identityId, ArmResourceId.ResourceType.USER_ASSIGNED_IDENTITY);
    }

    private static Identity toIdentity(IdentityInner inner) {
        return new Identity(inner.id(), inner.name(), inner.location(), inner.clientId(), inner.principalId(),
                inner.tenantId(), inner.tags());
    }

    private static FederatedCredential toCredential(FederatedIdentityCredentialInner inner) {
        return new FederatedCredential(inner.name(), inner.issuer(), inner.subject(),
                inner.audiences() == null ? List.of() : inner.audiences());
    }
}
