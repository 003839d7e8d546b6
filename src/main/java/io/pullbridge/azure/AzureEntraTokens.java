package io.pullbridge.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import io.pullbridge.clusters.EntraTokenIssuer;
import org.springframework.stereotype.Component;

/**
 * Tokens for Entra-integrated API servers, from PullBridge's configured credential signed in to the cluster's tenant,
 * as kubelogin's non-interactive modes get them ({@code spn}, {@code workloadidentity}, {@code msi}): the client
 * credentials grant for {@code <server-id>/.default}. Each call signs in with a new credential, so a refresh is never
 * answered from the SDK's cache with the token an API server just refused.
 */
@Component
final class AzureEntraTokens implements EntraTokenIssuer {

    private final AzureClients clients;

    AzureEntraTokens(AzureClients clients) {
        this.clients = clients;
    }

    @Override
    public EntraTokenIssuer.Token issue(String tenantId, String scope) {
        String tenant = tenantId == null ? clients.tenantId() : tenantId;
        String action = "getting a token for " + scope + " in tenant " + (tenant == null ? "(default)" : tenant);
        AccessToken token = AzureFailures.arm(action, () -> clients.credentialFor(tenant)
                .getTokenSync(new TokenRequestContext().addScopes(scope)));
        return new EntraTokenIssuer.Token(token.getToken(), token.getExpiresAt().toInstant());
    }
}
