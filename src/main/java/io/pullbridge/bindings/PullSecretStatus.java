package io.pullbridge.bindings;

import java.util.List;

/**
 * What a pull-secret binding's last pass found in its cluster, namespace by namespace, counted.
 *
 * @param targeted              namespaces the spec names or selects, less exclusions, including explicit ones that
 *                              do not exist (yet)
 * @param ready                 namespaces holding the binding's secret as specified (and, where asked, the
 *                              ServiceAccounts pulling with it)
 * @param pending               named namespaces that do not exist yet, or are terminating
 * @param failed                namespaces where writing failed (a missing ServiceAccount, a forbidden call, ...)
 * @param conflicts             namespaces holding a same-named secret that PullBridge does not manage for this
 *                              binding, which it never overwrites
 * @param issues                the first few namespaces that are not ready, and why
 * @param credentialFingerprint the fingerprint of the password every ready namespace holds; a rotation retires the
 *                              old password only once this is the new one and nothing is pending or failed
 */
public record PullSecretStatus(int targeted, int ready, int pending, int failed, int conflicts, List<Issue> issues,
                        String credentialFingerprint) {

    /** How many issues a status keeps: enough to act on, few enough to read. */
    static final int MAX_ISSUES = 10;

    /** @param state {@code pending}, {@code failed} or {@code conflict} */
    public record Issue(String namespace, String state, String reason) {
    }

    public boolean complete() {
        return pending == 0 && failed == 0 && conflicts == 0;
    }
}
