package io.pullbridge.access;

import io.pullbridge.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * Where a page of the access view ended: the last pair's cluster and registry, by name and id, as the view is sorted.
 * Opaque to clients; anything this API did not issue is a 400.
 */
record AccessPageToken(String clusterName, UUID clusterId, String registryName, UUID registryId) {

    private static final String VERSION = "a1";
    private static final int MAX_NAME = 253;

    static AccessPageToken after(AccessPair pair) {
        return new AccessPageToken(pair.cluster().name(), pair.cluster().id(), pair.registry().name(),
                pair.registry().id());
    }

    static AccessPageToken parse(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", -1);
            if (parts.length != 5 || !parts[0].equals(VERSION)) {
                throw new IllegalArgumentException("unknown token version");
            }
            return new AccessPageToken(decode(parts[1]), UUID.fromString(parts[2]), decode(parts[3]),
                    UUID.fromString(parts[4]));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("pageToken", "is not a token this API returned; start again without it");
        }
    }

    String value() {
        String joined = String.join("\n", VERSION, encode(clusterName), clusterId.toString(), encode(registryName),
                registryId.toString());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(joined.getBytes(StandardCharsets.UTF_8));
    }

    // Names are Kubernetes and ACR names today, but a newline in one must not be able to shift the fields.
    private static String encode(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String part) {
        String name = new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
        // Every name this API issued is short and free of NUL, which PostgreSQL would refuse in a text parameter.
        if (name.length() > MAX_NAME || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a name this API issued");
        }
        return name;
    }
}
