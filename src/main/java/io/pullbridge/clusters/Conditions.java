package io.pullbridge.clusters;

/** The condition types clusters report under {@code status.conditions}. */
final class Conditions {

    /**
     * Whether PullBridge's last connection to the API server worked: {@code True} (reason {@code Connected}) or
     * {@code False} with reason {@code Unreachable}, {@code CertificateUntrusted}, {@code CredentialsRefused},
     * {@code Forbidden}, {@code ServerUnavailable}, {@code ServerRefused}, {@code KubeconfigInvalid} or
     * {@code RequestFailed}.
     */
    static final String REACHABLE = "Reachable";

    private Conditions() {
    }
}
