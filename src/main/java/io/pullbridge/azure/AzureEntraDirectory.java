package io.pullbridge.azure;

import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.util.Context;
import com.azure.resourcemanager.authorization.fluent.MicrosoftGraphClient;
import com.azure.resourcemanager.authorization.fluent.models.ApplicationsAddPasswordRequestBodyInner;
import com.azure.resourcemanager.authorization.fluent.models.ApplicationsRemovePasswordRequestBody;
import com.azure.resourcemanager.authorization.fluent.models.MicrosoftGraphApplicationInner;
import com.azure.resourcemanager.authorization.fluent.models.MicrosoftGraphPasswordCredentialInner;
import com.azure.resourcemanager.authorization.fluent.models.MicrosoftGraphServicePrincipalInner;
import io.pullbridge.principals.EntraDirectory;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Entra ID through Microsoft Graph v1.0, with the SDK's generated Graph client: one call per step, so each step of a
 * job maps to exactly the Graph requests it makes. Passwords live on the application (as
 * {@code az ad sp credential reset} puts them), and their secrets only ever pass through {@link NewPassword}. Calls
 * that make something go through {@link AzureClients#graphOnce()}: never repeated in place.
 */
@Component
final class AzureEntraDirectory implements EntraDirectory {

    private final AzureClients clients;

    AzureEntraDirectory(AzureClients clients) {
        this.clients = clients;
    }

    @Override
    public Optional<DirectoryPrincipal> findByAppId(UUID appId) {
        Optional<MicrosoftGraphServicePrincipalInner> principal = AzureFailures.graph(
                "finding the service principal of application " + appId,
                () -> graph().getServicePrincipalsServicePrincipals().listServicePrincipal(null, null, null, null,
                        "appId eq '" + appId + "'", null, null, null, null, Context.NONE).stream().findFirst());
        return principal.map(this::withApplication);
    }

    @Override
    public Optional<DirectoryPrincipal> findByObjectId(UUID servicePrincipalObjectId) {
        return AzureFailures.optional(AzureFailures.Api.GRAPH,
                        "reading service principal " + servicePrincipalObjectId,
                        () -> graph().getServicePrincipalsServicePrincipals().getServicePrincipal(
                                servicePrincipalObjectId.toString()))
                .map(this::withApplication);
    }

    @Override
    public boolean applicationExists(String displayName) {
        String quoted = displayName.replace("'", "''");
        return AzureFailures.graph("looking for applications named '" + displayName + "'",
                () -> graph().getApplicationsApplications().listApplication(null, null, null, null,
                        "displayName eq '" + quoted + "'", null, null, null, null, Context.NONE).stream()
                        .findAny().isPresent());
    }

    @Override
    public List<DirectoryApplication> findApplicationsByTag(String tag) {
        String quoted = tag.replace("'", "''");
        return AzureFailures.graph("looking for applications tagged '" + tag + "'",
                () -> graph().getApplicationsApplications().listApplication(null, null, null, null,
                                "tags/any(t:t eq '" + quoted + "')", null, null, null, null, Context.NONE).stream()
                        .sorted(Comparator.comparing(MicrosoftGraphApplicationInner::createdDateTime,
                                Comparator.nullsLast(Comparator.<OffsetDateTime>naturalOrder())))
                        .map(AzureEntraDirectory::application)
                        .toList());
    }

    @Override
    public DirectoryApplication createApplication(String displayName, String tag) {
        MicrosoftGraphApplicationInner request = new MicrosoftGraphApplicationInner().withDisplayName(displayName);
        if (tag != null) {
            request.withTags(List.of(tag));
        }
        MicrosoftGraphApplicationInner application = AzureFailures.graph("creating application '" + displayName + "'",
                () -> graphOnce().getApplicationsApplications().createApplication(request));
        return application(application);
    }

    private static DirectoryApplication application(MicrosoftGraphApplicationInner application) {
        return new DirectoryApplication(UUID.fromString(application.id()), UUID.fromString(application.appId()),
                application.displayName());
    }

    @Override
    public DirectoryPrincipal createServicePrincipal(DirectoryApplication application) {
        MicrosoftGraphServicePrincipalInner principal = AzureFailures.graph(
                "creating the service principal of application " + application.appId(),
                () -> graphOnce().getServicePrincipalsServicePrincipals().createServicePrincipal(
                        new MicrosoftGraphServicePrincipalInner().withAppId(application.appId().toString())
                                .withAccountEnabled(true)));
        return new DirectoryPrincipal(UUID.fromString(principal.id()), application.appId(), application.objectId(),
                application.displayName());
    }

    @Override
    public NewPassword addPassword(UUID applicationObjectId, String displayName, Instant expiresAt) {
        MicrosoftGraphPasswordCredentialInner password = AzureFailures.graph(
                "adding a password to application " + applicationObjectId,
                () -> graphOnce().getApplications().addPassword(applicationObjectId.toString(),
                        new ApplicationsAddPasswordRequestBodyInner().withPasswordCredential(
                                new MicrosoftGraphPasswordCredentialInner().withDisplayName(displayName)
                                        .withEndDateTime(expiresAt.atOffset(ZoneOffset.UTC)))));
        return new NewPassword(password.keyId(), password.secretText(),
                password.endDateTime() == null ? expiresAt : password.endDateTime().toInstant());
    }

    @Override
    public void removePassword(UUID applicationObjectId, UUID keyId) {
        AzureFailures.graph("removing password " + keyId + " from application " + applicationObjectId, () -> {
            try {
                graph().getApplications().removePassword(applicationObjectId.toString(),
                        new ApplicationsRemovePasswordRequestBody().withKeyId(keyId));
            } catch (HttpResponseException e) {
                // Gone already: the application (404), or the password (Graph answers 400 naming the keyId).
                if (!(AzureFailures.status(e) == 404 || AzureFailures.status(e) == 400
                        && AzureFailures.errorMessage(e).contains("No password credential found"))) {
                    throw e;
                }
            }
            return null;
        });
    }

    @Override
    public List<PasswordInfo> passwords(UUID applicationObjectId) {
        return AzureFailures.optional(AzureFailures.Api.GRAPH, "reading the passwords of application "
                        + applicationObjectId, () -> graph().getApplicationsApplications()
                        .getApplication(applicationObjectId.toString()))
                .map(application -> application.passwordCredentials() == null ? List.<PasswordInfo>of()
                        : application.passwordCredentials().stream()
                        .map(password -> new PasswordInfo(password.keyId(), password.displayName(),
                                password.endDateTime() == null ? null : password.endDateTime().toInstant()))
                        .toList())
                .orElse(List.of());
    }

    @Override
    public void provePossession(UUID tenantId, UUID appId, String password) {
        try {
            // The token is dropped unread: only Entra ID's yes or no matters.
            clients.clientSecretCredential(tenantId.toString(), appId.toString(), password)
                    .getTokenSync(new TokenRequestContext().addScopes(clients.resourceManagerScope()));
        } catch (RuntimeException e) {
            throw AzureFailures.signInRefused(e, appId, tenantId);
        }
    }

    @Override
    public void deleteApplicationAndPrincipal(UUID applicationObjectId, UUID servicePrincipalObjectId) {
        if (servicePrincipalObjectId != null) {
            AzureFailures.delete(AzureFailures.Api.GRAPH, "deleting service principal " + servicePrincipalObjectId,
                    () -> graph().getServicePrincipalsServicePrincipals().deleteServicePrincipal(
                            servicePrincipalObjectId.toString()));
        }
        if (applicationObjectId != null) {
            AzureFailures.delete(AzureFailures.Api.GRAPH, "deleting application " + applicationObjectId,
                    () -> graph().getApplicationsApplications().deleteApplication(applicationObjectId.toString()));
        }
    }

    /** The principal with its application's object id, when the application is in this tenant. */
    private DirectoryPrincipal withApplication(MicrosoftGraphServicePrincipalInner principal) {
        UUID applicationObjectId = AzureFailures.graph("finding application " + principal.appId(),
                () -> graph().getApplicationsApplications().listApplication(null, null, null, null,
                                "appId eq '" + principal.appId() + "'", null, null, null, null, Context.NONE)
                        .stream().findFirst().map(application -> UUID.fromString(application.id())).orElse(null));
        return new DirectoryPrincipal(UUID.fromString(principal.id()), UUID.fromString(principal.appId()),
                applicationObjectId, principal.displayName());
    }

    private MicrosoftGraphClient graph() {
        return clients.graph();
    }

    private MicrosoftGraphClient graphOnce() {
        return clients.graphOnce();
    }
}
