package io.pullbridge.registry;

import java.util.List;

/**
 * What {@link RegistryHandshake} found out: whether the credentials can pull, why (a {@link Reason} a user can act
 * on), every HTTP exchange it made with its status, the manifest's digest when it found one, and a sentence for
 * people. Holds no secret: no password, no Authorization header, no token.
 *
 * @param reason         the outcome
 * @param exchanges      the requests made, in order, each with the status it got
 * @param manifestDigest the {@code Docker-Content-Digest} of the image's manifest, or {@code null} when no image
 *                       was named, none was found, or the registry did not say
 * @param message        what happened, for people
 */
public record PullCheck(Reason reason, List<Exchange> exchanges, String manifestDigest, String message) {

    public PullCheck {
        exchanges = List.copyOf(exchanges);
    }

    public boolean success() {
        return reason.success();
    }

    /** The HTTP statuses seen, in order. */
    public List<Integer> statuses() {
        return exchanges.stream().map(Exchange::status).toList();
    }

    /** One request and its status; the URL is without query, so it names where, never what was sent. */
    public record Exchange(String method, String url, int status) {

        @Override
        public String toString() {
            return method + " " + url + " " + status;
        }
    }

    public enum Reason {
        /** The credentials were accepted and the named image's manifest is there to pull. */
        PULL_ALLOWED(true, false),
        /** No image was named; the registry accepted the credentials. */
        CREDENTIALS_ACCEPTED(true, false),
        /** The registry asked for no authentication (for the image, if one was named): the credentials were unused. */
        NO_AUTH_REQUIRED(true, false),
        /** The registry or its token service refused the user name and password. */
        CREDENTIALS_REJECTED(false, false),
        /** The credentials were accepted, but they may not pull the image's repository. */
        PULL_DENIED(false, false),
        /** The repository or the tag/digest does not exist in the registry. */
        IMAGE_NOT_FOUND(false, false),
        /** No connection: unknown host, refused, reset, or no answer in time. */
        REGISTRY_UNREACHABLE(false, true),
        /** The registry answered that it cannot serve now (429 or 5xx). */
        REGISTRY_UNAVAILABLE(false, true),
        /** The registry's (or its token service's) TLS certificate is not trusted by this JVM or names another host. */
        TLS_UNTRUSTED(false, false),
        /** Credentials would have gone over plain HTTP (the server or its token realm is not https): not sent. */
        INSECURE_ENDPOINT(false, false),
        /**
         * The registry named a token realm on another host than its own, which
         * {@code pullbridge.bindings.token-realm-hosts} does not list: the credentials were not sent there.
         */
        REALM_NOT_ALLOWED(false, false),
        /**
         * The registry's or its token realm's address (as written, or any address its name resolves to) is refused by
         * the cluster host policy ({@code pullbridge.clusters.allowed-hosts}, {@code .denied-hosts}): no connection.
         */
        ADDRESS_REFUSED(false, false),
        /** The registry answered something the Docker Registry HTTP API v2 does not describe. */
        UNEXPECTED_RESPONSE(false, false);

        private final boolean success;
        private final boolean retryable;

        Reason(boolean success, boolean retryable) {
            this.success = success;
            this.retryable = retryable;
        }

        public boolean success() {
            return success;
        }

        /** Whether the same check may well succeed later without anyone changing anything. */
        public boolean retryable() {
            return retryable;
        }
    }
}
