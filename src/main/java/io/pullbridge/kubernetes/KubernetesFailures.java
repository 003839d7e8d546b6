package io.pullbridge.kubernetes;

import io.pullbridge.clusters.ClusterProblems;
import io.pullbridge.common.Causes;
import io.pullbridge.common.SecretMask;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobProblem;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import tools.jackson.databind.JsonNode;

/**
 * Turns what a call to an API server ended with into {@link JobFailure}s whose problem types
 * ({@link ClusterProblems}) tell the causes apart. Details quote the API server's {@code Status} message (shortened,
 * with any {@code Invalid value} and any long base64 run elided, and connection-string passwords masked) and never a
 * request or response body. An admission webhook's denial is such a message, and may quote the object it was sent,
 * a Secret's data included: the job that sent it masks what it holds on top of this.
 */
final class KubernetesFailures {

    private static final int MAX_MESSAGE = 300;
    /** RBAC's refusal: {@code User "u" cannot create resource "secrets" in API group "" in the namespace "ns"}. */
    private static final Pattern FORBIDDEN = Pattern.compile("(?:User|ServiceAccount|user) \"([^\"]*)\" cannot "
            + "(\\S+) resource \"([^\"]*)\"(?: in API group \"([^\"]*)\")?(?: in the namespace \"([^\"]*)\"| at the "
            + "cluster scope)?");
    private static final Pattern INVALID_VALUE = Pattern.compile("Invalid value: (\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");
    /**
     * A run of base64 long enough to be encoded data (a Secret's {@code data}, a token) rather than a word, a name or a
     * path: letters of both cases and digits in it.
     */
    private static final Pattern OPAQUE = Pattern.compile(
            "(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[0-9])[A-Za-z0-9+/]{40,}={0,2}");

    private KubernetesFailures() {
    }

    /** A connection that failed before any answer. */
    static JobFailure io(IOException e, String server, String action) {
        if (e instanceof RefusedAddressException refused) {
            return JobFailure.permanent(problem(ClusterProblems.SERVER_REFUSED, "The cluster's API server is refused",
                    403, "PullBridge refused to connect to " + server + " while " + action + ": "
                            + refused.getMessage(), FailureClass.PERMANENT), null);
        }
        SSLPeerUnverifiedException peer = find(e, SSLPeerUnverifiedException.class);
        if (peer != null) {
            return untrusted(server, action, "its certificate does not name the host PullBridge connected to (set "
                    + "tls-server-name in the kubeconfig when the server is reached under another name)");
        }
        if (find(e, CertPathValidatorException.class) != null
                || (find(e, SSLHandshakeException.class) != null && find(e, CertificateException.class) != null)) {
            return untrusted(server, action, "its certificate is not signed by the kubeconfig's "
                    + "certificate-authority-data (or, without one, by a CA the JVM trusts)");
        }
        String kind;
        if (find(e, UnknownHostException.class) != null) {
            kind = "unknown host";
        } else if (find(e, ConnectException.class) != null || find(e, NoRouteToHostException.class) != null) {
            kind = "connection refused";
        } else if (find(e, SocketTimeoutException.class) != null || e instanceof InterruptedIOException) {
            kind = "timed out";
        } else if (find(e, javax.net.ssl.SSLException.class) != null) {
            kind = "TLS handshake failed";
        } else {
            kind = "connection failed";
        }
        return JobFailure.transientFailure(problem(ClusterProblems.UNREACHABLE, "The cluster's API server cannot be "
                + "reached", 503, "The API server " + server + " could not be reached while " + action + " (" + kind
                + ")", FailureClass.TRANSIENT), null, e);
    }

    /**
     * An answer with a failure status.
     *
     * @param status     the API server's {@code Status} document, or null when the body was not one
     * @param retryAfter the {@code Retry-After} header, or null
     * @param namespace  the namespace the call was about, or null: a 404 naming it means the namespace is gone
     */
    static JobFailure status(int code, JsonNode status, String retryAfter, String server, String action,
                             String namespace) {
        return status(code, status, retryAfter, server, action, namespace, null);
    }

    /**
     * As {@link #status(int, JsonNode, String, String, String, String)}, for a server PullBridge signs in to with its
     * Entra identity: a 401 (after the one fresh token) and a 403 say what to grant that identity.
     *
     * @param grantAdvice what to grant PullBridge's Entra identity, or null for kubeconfig credentials
     */
    static JobFailure status(int code, JsonNode status, String retryAfter, String server, String action,
                             String namespace, String grantAdvice) {
        String reason = text(status, "reason");
        String message = sanitize(text(status, "message"));
        String says = message.isEmpty() ? "HTTP " + code : message;
        Optional<Duration> wait = retryAfter(retryAfter);
        if (code == 401 && grantAdvice != null) {
            return JobFailure.permanent(problem(ClusterProblems.CREDENTIALS_REFUSED, "The cluster refused PullBridge's "
                    + "credentials", 401, "The API server " + server + " refused PullBridge's Entra token, and a fresh "
                    + "one, while " + action + " (401 " + (reason.isEmpty() ? "Unauthorized" : reason) + "): the "
                    + "cluster trusts another tenant or server application, or does not let PullBridge's identity in. "
                    + grantAdvice, FailureClass.PERMANENT), null);
        }
        if (code == 403 && grantAdvice != null) {
            return JobFailure.permanent(problem(ClusterProblems.FORBIDDEN, "The cluster denies PullBridge an action",
                    403, forbidden(message, action) + ". " + grantAdvice, FailureClass.PERMANENT), null);
        }
        if (code == 401) {
            return JobFailure.permanent(problem(ClusterProblems.CREDENTIALS_REFUSED, "The cluster refused PullBridge's "
                    + "credentials", 401, "The API server " + server + " refused the kubeconfig's credentials "
                    + "while " + action + " (401 " + (reason.isEmpty() ? "Unauthorized" : reason) + "): the token or "
                    + "client certificate is wrong, expired or revoked; register the cluster with a current "
                    + "kubeconfig", FailureClass.PERMANENT), null);
        }
        if (code == 403) {
            return JobFailure.permanent(problem(ClusterProblems.FORBIDDEN, "The cluster denies PullBridge an action",
                    403, forbidden(message, action), FailureClass.PERMANENT), null);
        }
        if (code == 404) {
            JsonNode details = status == null ? null : status.get("details");
            String kind = text(details, "kind");
            String name = text(details, "name");
            if ("namespaces".equals(kind) || (namespace != null && name.equals(namespace) && kind.isEmpty()
                    && message.contains("namespaces"))) {
                String gone = name.isEmpty() ? namespace : name;
                return JobFailure.permanent(problem(ClusterProblems.NAMESPACE_GONE, "The namespace does not exist",
                        404, "The namespace " + gone + " does not exist (any more) while " + action,
                        FailureClass.PERMANENT), null);
            }
            return JobFailure.permanent(problem(ClusterProblems.NOT_FOUND, "Not found in the cluster", 404,
                    "Not found while " + action + " (" + says + ")", FailureClass.PERMANENT), null);
        }
        if (code == 409) {
            String what = "AlreadyExists".equals(reason) ? "it was created meanwhile" : "it changed since it was read";
            return JobFailure.transientFailure(problem(ClusterProblems.CONFLICT, "The object changed meanwhile", 409,
                    "Conflict while " + action + ": " + what + " (" + says + "); the job reads it again",
                    FailureClass.TRANSIENT), wait.orElse(null), null);
        }
        if (code == 429) {
            return JobFailure.transientFailure(problem(ClusterProblems.THROTTLED, "The cluster is throttling "
                    + "PullBridge", 429, "The API server " + server + " throttled PullBridge while " + action
                    + wait.map(d -> "; it asks to wait " + d.toSeconds() + "s").orElse(""), FailureClass.TRANSIENT),
                    wait.orElse(null), null);
        }
        if (code >= 500 || code == 408) {
            return JobFailure.transientFailure(problem(ClusterProblems.UNAVAILABLE, "The cluster's API server is "
                    + "unavailable", 503, "The API server " + server + " answered " + code + " while " + action + " ("
                    + says + ")", FailureClass.TRANSIENT), wait.orElse(null), null);
        }
        if (code == 400 || code == 422) {
            return JobFailure.permanent(problem(ClusterProblems.INVALID, "The cluster refused the request", code,
                    "The API server refused the request while " + action + " (" + says + ")",
                    FailureClass.PERMANENT), null);
        }
        return JobFailure.permanent(problem(ClusterProblems.REQUEST_FAILED, "The cluster refused the request", code,
                "The API server answered " + code + " while " + action + " (" + says + ")", FailureClass.PERMANENT),
                null);
    }

    /** A JSON Patch whose {@code test} failed: the object changed since it was read. */
    static JobFailure patchTestFailed(String action) {
        return JobFailure.transientFailure(problem(ClusterProblems.CONFLICT, "The object changed meanwhile", 409,
                "Conflict while " + action + ": it changed since it was read (the JSON Patch test failed); the job "
                        + "reads it again", FailureClass.TRANSIENT), null, null);
    }

    /** An answer PullBridge could not read. */
    static JobFailure unreadable(String server, String action) {
        return JobFailure.permanent(problem(ClusterProblems.REQUEST_FAILED, "The cluster's answer cannot be read",
                502, "The API server " + server + " sent an answer PullBridge cannot read while " + action,
                FailureClass.PERMANENT), null);
    }

    private static JobFailure untrusted(String server, String action, String why) {
        return JobFailure.permanent(problem(ClusterProblems.CERTIFICATE_UNTRUSTED, "The cluster's certificate is not "
                + "trusted", 502, "PullBridge does not trust the API server " + server + " (while " + action + "): "
                + why + "; register the cluster with a kubeconfig whose certificate-authority-data is the cluster's "
                + "CA", FailureClass.PERMANENT), null);
    }

    private static String forbidden(String message, String action) {
        Matcher denied = FORBIDDEN.matcher(message);
        if (!denied.find()) {
            return "The API server denied PullBridge's user while " + action + " ("
                    + (message.isEmpty() ? "403 Forbidden" : message) + ")";
        }
        String user = denied.group(1);
        String verb = denied.group(2);
        String resource = denied.group(3);
        String group = denied.group(4) == null || denied.group(4).isEmpty() ? "core" : denied.group(4);
        String namespace = denied.group(5);
        return "PullBridge's user " + user + " may not " + verb + " " + resource + " (API group " + group + ") "
                + (namespace == null ? "at the cluster scope" : "in the namespace " + namespace) + " (needed for "
                + action + "); grant verb '" + verb + "' on '" + resource + "' with a "
                + (namespace == null ? "ClusterRole" : "Role or ClusterRole") + " bound to " + user;
    }

    /**
     * Shortened, on one line, with any {@code Invalid value: ...} and any long base64 run elided and connection-string
     * passwords masked, before the cut: validation errors and admission webhooks may quote the data.
     */
    static String sanitize(String message) {
        if (message == null || message.isEmpty()) {
            return "";
        }
        // Bounded before the patterns run: a message can be as long as the API server (or a webhook) likes.
        String bounded = message.length() > 8 * MAX_MESSAGE ? message.substring(0, 8 * MAX_MESSAGE) : message;
        String single = INVALID_VALUE.matcher(bounded.replaceAll("\\s+", " ").strip())
                .replaceAll("Invalid value: (elided)");
        single = SecretMask.none().apply(OPAQUE.matcher(single).replaceAll("(elided)"));
        return single.length() <= MAX_MESSAGE ? single : single.substring(0, MAX_MESSAGE) + "...";
    }

    static Optional<Duration> retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode node, String field) {
        if (node == null || node.get(field) == null || node.get(field).isNull()) {
            return "";
        }
        return node.get(field).asString();
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        return Causes.find(e, type).orElse(null);
    }

    private static JobProblem problem(String slug, String title, int status, String detail, FailureClass failureClass) {
        return JobProblem.of(slug, title, status, detail, failureClass);
    }
}
