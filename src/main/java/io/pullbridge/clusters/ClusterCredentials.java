package io.pullbridge.clusters;

import io.pullbridge.common.SecretMask;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What connecting to one cluster's API server takes, read from a kubeconfig that {@link KubeconfigParser} accepted:
 * the server, how to trust it, and one embedded credential. Held in memory only, never stored or logged:
 * {@link #toString()} names the cluster and server and nothing else.
 *
 * @param clusterId             the registered cluster
 * @param version               changes whenever the credentials may have changed (the kubeconfig's fingerprint); a
 *                              client built from the same version can be kept
 * @param certificateAuthority  PEM certificates the server's chain must end in, or null for the JVM's trust store
 * @param insecureSkipTlsVerify the kubeconfig turned certificate checks off (allowed only by
 *                              {@code pullbridge.clusters.allow-insecure-skip-tls-verify})
 * @param tlsServerName         the name to expect in the server's certificate instead of the URL's host, or null
 * @param access                how PullBridge reaches the server and as whom
 * @param grantAdvice           what to grant when the server refuses PullBridge (Entra clusters), or null
 */
public record ClusterCredentials(UUID clusterId, String version, URI server, byte[] certificateAuthority,
                                 boolean insecureSkipTlsVerify, String tlsServerName, Credential credential,
                                 ClusterAccess access, String grantAdvice) {

    public ClusterCredentials {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(credential, "credential");
        access = access == null ? ClusterAccess.kubeconfig() : access;
    }

    /** Credentials a kubeconfig embeds. */
    public ClusterCredentials(UUID clusterId, String version, URI server, byte[] certificateAuthority,
                              boolean insecureSkipTlsVerify, String tlsServerName, Credential credential) {
        this(clusterId, version, server, certificateAuthority, insecureSkipTlsVerify, tlsServerName, credential,
                ClusterAccess.kubeconfig(), null);
    }

    /** The same server with another credential and access. */
    ClusterCredentials with(Credential credential, ClusterAccess access, String grantAdvice) {
        return new ClusterCredentials(clusterId, version, server, certificateAuthority, insecureSkipTlsVerify,
                tlsServerName, credential, access, grantAdvice);
    }

    /** How PullBridge proves who it is to the API server. */
    public sealed interface Credential permits BearerToken, ClientCertificate, Basic, Anonymous, EntraToken {
    }

    /**
     * A token for an Entra server application from PullBridge's own Azure credential, fetched (and refreshed) by
     * {@link EntraTokens}: nothing secret is held here.
     *
     * @param tenantId the tenant to sign in to, or null for PullBridge's own
     * @param scope    {@code <server-id>/.default}
     */
    public record EntraToken(String tenantId, String scope) implements Credential {
    }

    public record BearerToken(String token) implements Credential {
        @Override
        public String toString() {
            return "BearerToken[(secret)]";
        }
    }

    /** PEM certificate chain and PEM private key. */
    public record ClientCertificate(byte[] certificate, byte[] key) implements Credential {
        @Override
        public String toString() {
            return "ClientCertificate[(secret)]";
        }
    }

    public record Basic(String username, String password) implements Credential {
        @Override
        public String toString() {
            return "Basic[(secret)]";
        }
    }

    /** No credential in the kubeconfig: the API server decides what an anonymous caller may do. */
    public record Anonymous() implements Credential {
    }

    /**
     * What the credential holds that an API server (or a proxy in front of it) may quote back in an error, for a
     * mask: a bearer token, a password and the Basic header made of it, a client key (the PEM, and its base64 body
     * on its own). Empty for an Entra token, which the client that sends it knows ({@link ClusterApi#credentials()}).
     */
    public List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        if (credential instanceof BearerToken token) {
            secrets.add(token.token());
        } else if (credential instanceof Basic basic) {
            secrets.add(basic.password());
            secrets.add(SecretMask.basicCredentials(basic.username(), basic.password()));
        } else if (credential instanceof ClientCertificate certificate) {
            String pem = new String(certificate.key(), StandardCharsets.US_ASCII);
            secrets.add(pem);
            String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s+", "");
            secrets.add(body);
            // Lines of the PEM body, as a message that quotes the key line by line shows them.
            for (String line : pem.split("\\R")) {
                if (line.length() >= 16 && !line.startsWith("-----")) {
                    secrets.add(line.trim());
                }
            }
        }
        return secrets;
    }

    /** The server's host, for messages. */
    public String serverHost() {
        return server.getHost();
    }

    @Override
    public String toString() {
        return "ClusterCredentials[cluster=" + clusterId + ", server=" + server + ", credential="
                + credential.getClass().getSimpleName() + "]";
    }
}
