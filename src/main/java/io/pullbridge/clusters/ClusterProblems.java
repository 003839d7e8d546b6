package io.pullbridge.clusters;

import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobProblem;

/**
 * The problem types of failed calls to clusters (slugs under {@link JobProblem#BASE}), raised by the
 * {@code kubernetes} adapter as {@link JobFailure}s. Callers that can carry on after some of them (skip a namespace
 * that is gone, read again after a conflict) test for them with {@link #is}.
 */
public final class ClusterProblems {

    /** Connection refused or timed out, unknown host, connection reset: transient. */
    public static final String UNREACHABLE = "kubernetes-unreachable";
    /** The server's certificate does not chain to the kubeconfig's certificate authority or names another host. */
    public static final String CERTIFICATE_UNTRUSTED = "kubernetes-certificate-untrusted";
    /** 401: the token or client certificate was refused. */
    public static final String CREDENTIALS_REFUSED = "kubernetes-credentials-refused";
    /** 403: RBAC denies PullBridge's user a verb on a resource; the detail names both. */
    public static final String FORBIDDEN = "kubernetes-forbidden";
    /** 404 naming a namespace: it was deleted (or never existed). */
    public static final String NAMESPACE_GONE = "kubernetes-namespace-gone";
    /** 404 for anything else. */
    public static final String NOT_FOUND = "kubernetes-not-found";
    /** 409 (already exists, stale resourceVersion) or a failed JSON Patch test: transient, read again. */
    public static final String CONFLICT = "kubernetes-conflict";
    /** 429: transient, no sooner than the server's Retry-After. */
    public static final String THROTTLED = "kubernetes-throttled";
    /** 5xx, or the server closed the connection mid-answer: transient. */
    public static final String UNAVAILABLE = "kubernetes-unavailable";
    /** The cluster already has as many calls in flight as PullBridge allows: transient. */
    public static final String BUSY = "kubernetes-busy";
    /** 400 or 422: the server refused what was sent. */
    public static final String INVALID = "kubernetes-invalid";
    /** The server's host, or an address it resolves to, is refused by pullbridge.clusters.allowed/denied-hosts. */
    public static final String SERVER_REFUSED = "kubernetes-server-refused";
    /** A kubeconfig no longer passes the checks it passed at registration (or AKS returned an unusable one). */
    public static final String KUBECONFIG_INVALID = "kubernetes-kubeconfig-invalid";
    /** Any other refusal. */
    public static final String REQUEST_FAILED = "kubernetes-request-failed";

    private ClusterProblems() {
    }

    /** True when {@code failure}'s problem type is the slug's. */
    public static boolean is(JobFailure failure, String slug) {
        return failure != null && (JobProblem.BASE + slug).equals(failure.problem().type());
    }

    /** The slug of a problem type, or null when it is not one of PullBridge's. */
    static String slug(JobProblem problem) {
        String type = problem.type();
        return type != null && type.startsWith(JobProblem.BASE) ? type.substring(JobProblem.BASE.length()) : null;
    }

    /**
     * The {@code Reachable=False} reason for a failed connection, or null when the failure says nothing about the
     * cluster (a failure reading Azure, say).
     */
    static String unreachableReason(JobProblem problem) {
        String slug = slug(problem);
        if (slug == null) {
            return null;
        }
        return switch (slug) {
            case UNREACHABLE, BUSY -> "Unreachable";
            case CERTIFICATE_UNTRUSTED -> "CertificateUntrusted";
            case CREDENTIALS_REFUSED -> "CredentialsRefused";
            case FORBIDDEN -> "Forbidden";
            case THROTTLED, UNAVAILABLE -> "ServerUnavailable";
            case SERVER_REFUSED -> "ServerRefused";
            case KUBECONFIG_INVALID -> "KubeconfigInvalid";
            case NOT_FOUND, NAMESPACE_GONE, CONFLICT, INVALID, REQUEST_FAILED -> "RequestFailed";
            default -> null;
        };
    }
}
