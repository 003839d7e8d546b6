package io.pullbridge.support.azure;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Emulated {@code Microsoft.ManagedIdentity} (api-version 2024-11-30): user-assigned identities, each registered in the
 * emulated directory as a managed-identity service principal (so role assignments can name it at once), and their
 * federated identity credentials, with Entra's rules: at most {@value #LIMIT} per identity, one issuer and subject pair
 * once per identity, exactly one audience, an https issuer, and one change to an identity's credentials at a time
 * (a write within {@link #credentialWriteTime} of the previous one is refused with
 * {@code 409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity}; zero by default, as the emulator
 * answers one request at a time). ARM's own checks (api-version, caller rights, missing resource group) happen in
 * {@link ArmEndpoint} before a call gets here; calls arrive under its lock.
 */
final class ManagedIdentityEndpoint {

    static final int LIMIT = 20;
    static final String TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";
    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9][-_a-zA-Z0-9]{2,127}$");
    private static final Pattern CREDENTIAL_NAME = Pattern.compile("^[a-zA-Z0-9][-_a-zA-Z0-9]{2,119}$");

    private final Directory directory;
    private final Map<String, EmulatedIdentity> identities = new LinkedHashMap<>();
    private Duration credentialWriteTime = Duration.ZERO;
    private int credentialWrites;

    ManagedIdentityEndpoint(Directory directory) {
        this.directory = directory;
    }

    /** How long Entra takes to apply one federated-credential change; writes inside that window conflict. */
    synchronized void credentialWriteTime(Duration duration) {
        this.credentialWriteTime = duration;
    }

    /** Federated-credential writes (PUT and DELETE) served, refused ones included. */
    synchronized int credentialWrites() {
        return credentialWrites;
    }

    synchronized Optional<EmulatedIdentity> identity(String id) {
        return Optional.ofNullable(identities.get(key(id)));
    }

    synchronized List<EmulatedIdentity> identities() {
        return List.copyOf(identities.values());
    }

    /** Makes an identity as someone else would have (for "an existing identity named by resource id"). */
    synchronized EmulatedIdentity create(String subscription, String group, String name, String location) {
        String id = "/subscriptions/" + subscription + "/resourceGroups/" + group + "/providers/" + TYPE + "/" + name;
        EmulatedIdentity identity = new EmulatedIdentity(id, name, location, UUID.randomUUID().toString(),
                UUID.randomUUID().toString(), new LinkedHashMap<>());
        directory.addManagedIdentity(identity.principalId, identity.clientId, name);
        identities.put(key(id), identity);
        return identity;
    }

    synchronized void removeCredential(String identityId, String name) {
        identity(identityId).ifPresent(identity -> identity.credentials.remove(key(name)));
    }

    synchronized void clear() {
        identities.clear();
        credentialWriteTime = Duration.ZERO;
        credentialWrites = 0;
    }

    // ---- identities

    synchronized Reply identity(Call call, String subscription, String group, String name) {
        String id = "/subscriptions/" + subscription + "/resourceGroups/" + group + "/providers/" + TYPE + "/" + name;
        EmulatedIdentity identity = identities.get(key(id));
        switch (call.method()) {
            case "GET" -> {
                return identity == null ? notFound(TYPE + "/" + name, group) : Reply.json(200, identity.json(directory));
            }
            case "DELETE" -> {
                if (identity == null) {
                    return Reply.empty(204);
                }
                identities.remove(key(id));
                directory.servicePrincipal(identity.principalId).ifPresent(directory::deleteServicePrincipal);
                return Reply.empty(200);
            }
            case "PUT" -> {
                if (!NAME.matcher(name).matches()) {
                    return Reply.armError(400, "InvalidResourceName", "Resource name '" + name + "' is invalid. The"
                            + " name can contain only letters, numbers, underscores and hyphens, starting with a"
                            + " letter or number, 3 to 128 characters.");
                }
                Map<String, Object> body = Json.object(call.body());
                String location = Json.string(body, "location");
                if (location == null || location.isBlank()) {
                    return Reply.armError(400, "LocationRequired", "The location property is required for this"
                            + " definition.");
                }
                Map<String, String> tags = new LinkedHashMap<>();
                if (body.get("tags") instanceof Map<?, ?> given) {
                    given.forEach((k, v) -> tags.put(String.valueOf(k), String.valueOf(v)));
                }
                if (identity != null) {
                    identity.tags.clear();
                    identity.tags.putAll(tags);
                    return Reply.json(200, identity.json(directory));
                }
                EmulatedIdentity created = create(subscription, group, name, location);
                created.tags.putAll(tags);
                return Reply.json(201, created.json(directory));
            }
            default -> {
                return methodNotAllowed(call);
            }
        }
    }

    // ---- federated identity credentials

    synchronized Reply credentials(Call call, String subscription, String group, String name, String credentialName) {
        String id = "/subscriptions/" + subscription + "/resourceGroups/" + group + "/providers/" + TYPE + "/" + name;
        EmulatedIdentity identity = identities.get(key(id));
        if (identity == null) {
            return notFound(TYPE + "/" + name, group);
        }
        if (credentialName == null) {
            if (!"GET".equals(call.method())) {
                return methodNotAllowed(call);
            }
            List<Object> value = new ArrayList<>();
            identity.credentials.values().forEach(credential -> value.add(credential.json(identity)));
            return Reply.json(200, Json.obj("value", value));
        }
        EmulatedFederatedCredential existing = identity.credentials.get(key(credentialName));
        switch (call.method()) {
            case "GET" -> {
                return existing == null ? notFound(TYPE + "/" + name + "/federatedIdentityCredentials/"
                        + credentialName, group) : Reply.json(200, existing.json(identity));
            }
            case "DELETE" -> {
                Reply busy = write(identity);
                if (busy != null) {
                    return busy;
                }
                if (existing == null) {
                    return Reply.empty(204);
                }
                identity.credentials.remove(key(credentialName));
                return Reply.empty(200);
            }
            case "PUT" -> {
                return putCredential(call, identity, credentialName, existing);
            }
            default -> {
                return methodNotAllowed(call);
            }
        }
    }

    private Reply putCredential(Call call, EmulatedIdentity identity, String credentialName,
                                EmulatedFederatedCredential existing) {
        if (!CREDENTIAL_NAME.matcher(credentialName).matches()) {
            return Reply.armError(400, "BadRequest", "Federated identity credential name '" + credentialName
                    + "' is invalid: 3 to 120 letters, numbers, hyphens and underscores, starting with a letter or"
                    + " number.");
        }
        Map<String, Object> properties = Json.map(Json.object(call.body()), "properties");
        String issuer = Json.string(properties, "issuer");
        String subject = Json.string(properties, "subject");
        List<String> audiences = Json.strings(properties, "audiences");
        if (issuer == null || !issuer.startsWith("https://") || !isUri(issuer)) {
            return Reply.armError(400, "BadRequest", "Issuer '" + issuer + "' must be a valid https URL.");
        }
        if (subject == null || subject.isBlank()) {
            return Reply.armError(400, "BadRequest", "Subject is required.");
        }
        if (audiences == null || audiences.size() != 1) {
            return Reply.armError(400, "BadRequest", "Exactly one audience is required.");
        }
        boolean taken = identity.credentials.values().stream()
                .anyMatch(other -> !other.name().equalsIgnoreCase(credentialName) && other.issuer().equals(issuer)
                        && other.subject().equals(subject));
        if (taken) {
            return Reply.armError(400, "BadRequest", "Issuer and subject combination already exists for this "
                    + "Managed Identity.");
        }
        if (existing == null && identity.credentials.size() >= LIMIT) {
            return Reply.armError(400, "BadRequest", "The maximum number of federated identity credentials ("
                    + LIMIT + ") for the managed identity '" + identity.id + "' has been reached.");
        }
        Reply busy = write(identity);
        if (busy != null) {
            return busy;
        }
        EmulatedFederatedCredential credential = new EmulatedFederatedCredential(credentialName, issuer, subject,
                List.copyOf(audiences));
        identity.credentials.put(key(credentialName), credential);
        return Reply.json(existing == null ? 201 : 200, credential.json(identity));
    }

    /** One change to an identity's credentials at a time: null when this write may go ahead. */
    private Reply write(EmulatedIdentity identity) {
        credentialWrites++;
        Instant now = directory.now();
        if (identity.lastCredentialWrite != null && now.isBefore(identity.lastCredentialWrite.plus(credentialWriteTime))) {
            return Reply.armError(409, "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity",
                    "Too many Federated Identity Credentials are written concurrently for the managed identity '"
                            + identity.id.toLowerCase(Locale.ROOT) + "'. Concurrent Federated Identity Credentials "
                            + "writes under the same managed identity are not supported.");
        }
        identity.lastCredentialWrite = now;
        return null;
    }

    private static boolean isUri(String value) {
        try {
            return URI.create(value).getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Reply methodNotAllowed(Call call) {
        return Reply.armError(405, "MethodNotAllowed", "The requested resource does not support http method '"
                + call.method() + "'.");
    }

    private static Reply notFound(String typeAndName, String group) {
        return Reply.armError(404, "ResourceNotFound", "The Resource '" + typeAndName + "' under resource group '"
                + group + "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
    }

    private static String key(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
