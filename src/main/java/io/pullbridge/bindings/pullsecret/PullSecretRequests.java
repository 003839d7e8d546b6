package io.pullbridge.bindings.pullsecret;

import io.pullbridge.bindings.BindingMethodHandler;
import io.pullbridge.bindings.BindingRules;
import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.BindingSpec;
import io.pullbridge.bindings.CreateBindingRequest;
import io.pullbridge.bindings.CredentialReference;
import io.pullbridge.bindings.PullSecretOptions;
import io.pullbridge.bindings.PullSecretSpec;
import io.pullbridge.bindings.UpdateBindingRequest;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.principals.ServicePrincipalService;
import io.pullbridge.principals.ServicePrincipalView;
import io.pullbridge.registries.RegistryService;
import io.pullbridge.registries.RegistryTokenService;
import io.pullbridge.registries.RegistryTokenView;
import io.pullbridge.registries.RegistryView;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.Violations;
import org.springframework.stereotype.Component;

/**
 * The {@code pullSecret} of a create or update request: its syntax ({@link BindingRules#pullSecret}), and its
 * credential, a live service principal with a grant on the binding's registry or a live token of that registry.
 */
@Component
class PullSecretRequests implements BindingMethodHandler.Requests {

    static final String FIELD = "pullSecret";
    private static final String CREDENTIAL = FIELD + ".credential";

    private final RegistryService registries;
    private final RegistryTokenService tokens;
    private final ServicePrincipalService principals;

    PullSecretRequests(RegistryService registries, RegistryTokenService tokens, ServicePrincipalService principals) {
        this.registries = registries;
        this.tokens = tokens;
        this.principals = principals;
    }

    @Override
    public String optionsField() {
        return FIELD;
    }

    @Override
    public String pendingMessage() {
        return "Waiting for PullBridge to write the pull secret into the cluster";
    }

    @Override
    public BindingMethodHandler.Creation create(CreateBindingRequest request, Violations violations) {
        if (!violations.check(request.pullSecret() != null, FIELD, "is required for method pull-secret")) {
            return null;
        }
        PullSecretSpec spec = BindingRules.pullSecret(request.pullSecret(), FIELD, violations, true);
        return (registry, cluster) -> {
            checkCredential(spec, registry);
            return BindingSpec.of(spec);
        };
    }

    @Override
    public BindingSpec update(BindingSnapshot binding, UpdateBindingRequest request, Violations violations) {
        if (!violations.check(request.pullSecret() != null, FIELD, "is required: the fields to change")) {
            violations.throwIfAny();
        }
        PullSecretOptions changes = request.pullSecret();
        PullSecretSpec current = binding.pullSecret();
        violations.check(changes.secretName() == null || changes.secretName().equals(current.secretName()),
                FIELD + ".secretName", "cannot change; create another binding for another secret name");
        PullSecretOptions merged = new PullSecretOptions(
                changes.credential() != null ? changes.credential()
                        : new CredentialReference(current.servicePrincipalId(), current.tokenId()),
                current.secretName(),
                changes.namespaces() != null ? changes.namespaces() : current.namespaces(),
                changes.namespaceSelector() != null ? blankToNull(changes.namespaceSelector())
                        : current.namespaceSelector(),
                changes.excludeNamespaces() != null ? changes.excludeNamespaces() : current.excludeNamespaces(),
                changes.serviceAccounts() != null ? changes.serviceAccounts() : current.serviceAccounts());
        PullSecretSpec spec = BindingRules.pullSecret(merged, FIELD, violations, true);
        violations.throwIfAny();
        if (changes.credential() != null) {
            checkCredential(spec, registries.find(binding.registryId()).orElseThrow());
        }
        return BindingSpec.of(spec);
    }

    private void checkCredential(PullSecretSpec spec, RegistryView registry) {
        if (spec.servicePrincipalId() != null) {
            ServicePrincipalView principal = principals.findForUse(spec.servicePrincipalId()).orElseThrow(() ->
                    ApiException.unknownReference(CREDENTIAL + ".servicePrincipalId",
                            ResourceKinds.SERVICE_PRINCIPAL, spec.servicePrincipalId()));
            if (principal.deleting()) {
                throw ApiException.deleting(CREDENTIAL + ".servicePrincipalId", ResourceKinds.SERVICE_PRINCIPAL,
                        principal.id());
            }
            if (!principal.canPullFrom(registry.id())) {
                throw ApiException.semantic(CREDENTIAL + ".servicePrincipalId", "service principal "
                        + principal.id() + " has no grant on registry " + registry.name()
                        + "; add one to the service principal first");
            }
        } else {
            RegistryTokenView token = tokens.findForUse(spec.tokenId()).orElseThrow(() ->
                    ApiException.unknownReference(CREDENTIAL + ".tokenId", ResourceKinds.REGISTRY_TOKEN,
                            spec.tokenId()));
            if (token.deleting()) {
                throw ApiException.deleting(CREDENTIAL + ".tokenId", ResourceKinds.REGISTRY_TOKEN, token.id());
            }
            if (!token.registryId().equals(registry.id())) {
                throw ApiException.semantic(CREDENTIAL + ".tokenId", "token " + token.name()
                        + " belongs to another registry; a token only opens the registry it was made in");
            }
        }
    }

    private static String blankToNull(String value) {
        return value.isBlank() ? null : value;
    }
}
