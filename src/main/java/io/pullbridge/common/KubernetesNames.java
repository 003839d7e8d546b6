package io.pullbridge.common;

import java.util.regex.Pattern;

/** Kubernetes object name rules (DNS-1123), checked before anything is sent to a cluster. */
public final class KubernetesNames {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    public static final String LABEL_RULE = "must be a DNS-1123 label: at most 63 lower-case letters, digits and "
            + "hyphens, starting and ending with a letter or digit";
    public static final String SUBDOMAIN_RULE = "must be a DNS-1123 subdomain: at most 253 lower-case letters, "
            + "digits, hyphens and periods, each dot-separated part starting and ending with a letter or digit";

    private KubernetesNames() {
    }

    public static boolean isDns1123Label(String value) {
        return value != null && value.length() <= 63 && LABEL.matcher(value).matches();
    }

    public static boolean isDns1123Subdomain(String value) {
        return value != null && value.length() <= 253 && SUBDOMAIN.matcher(value).matches();
    }
}
