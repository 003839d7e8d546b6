package io.pullbridge.support.azure;

import java.util.List;
import java.util.Map;

/** A federated identity credential on an {@link EmulatedIdentity}. */
public record EmulatedFederatedCredential(String name, String issuer, String subject, List<String> audiences) {

    Map<String, Object> json(EmulatedIdentity identity) {
        return Json.obj("id", identity.id + "/federatedIdentityCredentials/" + name, "name", name,
                "type", ManagedIdentityEndpoint.TYPE + "/federatedIdentityCredentials",
                "properties", Json.obj("issuer", issuer, "subject", subject, "audiences", audiences));
    }
}
