package io.pullbridge.clusters;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Decides whether PullBridge may talk to a kubeconfig's API server host. Refused by default: loopback
 * ({@code 127.0.0.0/8}, {@code ::1}, {@code localhost}, {@code *.localhost}), link-local ({@code 169.254.0.0/16},
 * {@code fe80::/10}), unspecified ({@code 0.0.0.0/8}, {@code ::}) and cloud metadata endpoints, because a user who
 * may register a cluster must not be able to make PullBridge send requests, and credentials, to the machine it
 * runs on or to its cloud's instance metadata. {@code pullbridge.clusters.allowed-hosts} lifts that built-in
 * refusal for the hosts it lists (a local kind cluster, say); {@code pullbridge.clusters.denied-hosts} refuses
 * more hosts, and nothing overrides it.
 *
 * <p>{@link #check(String)} compares only what is written in the URL: a host name is matched by name, an IP
 * literal against the networks, and nothing is ever resolved in DNS. That keeps validation deterministic (the
 * same kubeconfig is accepted or refused whatever DNS says today) and keeps validation itself from being a way
 * to make PullBridge reach out to a host of the caller's choosing. A name can still resolve to a refused address
 * later (DNS rebinding, {@code 127.0.0.1.nip.io}), so the adapter that connects checks the address it actually
 * connects to with {@link #checkResolved(String, InetAddress)}.
 */
@Component
public class ServerHostPolicy {

    static final String ALLOW_HINT = "; allow it with pullbridge.clusters.allowed-hosts";

    private record BuiltIn(String description, HostList hosts) {
    }

    // Order matters only for the message: 169.254.169.254 is link-local too, but "metadata" says more.
    private static final List<BuiltIn> BUILT_IN = List.of(
            new BuiltIn("a cloud metadata endpoint", HostList.parse("metadata", List.of(
                    "metadata", "metadata.google.internal", "metadata.azure.internal",
                    "169.254.169.254", "fd00:ec2::254", "100.100.100.200",
                    // Azure's WireServer, which also answers a VM's own platform requests.
                    "168.63.129.16"))),
            new BuiltIn("a loopback address", HostList.parse("loopback", List.of(
                    "localhost", "*.localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback",
                    "127.0.0.0/8", "::1/128"))),
            new BuiltIn("a link-local address", HostList.parse("link-local", List.of(
                    "169.254.0.0/16", "fe80::/10"))),
            // Connecting to 0.0.0.0 or :: reaches the local machine on Linux; 0.0.0.0/8 is never a real destination.
            new BuiltIn("an unspecified address", HostList.parse("unspecified", List.of(
                    "0.0.0.0/8", "::/128"))));

    private final HostList allowed;
    private final HostList denied;

    public ServerHostPolicy(ClustersProperties properties) {
        this.allowed = HostList.parse("pullbridge.clusters.allowed-hosts", properties.allowedHosts());
        this.denied = HostList.parse("pullbridge.clusters.denied-hosts", properties.deniedHosts());
    }

    /**
     * Checks a host as written in a URL: a name, an IPv4 address or a bracketed IPv6 address. Never resolves it.
     *
     * @throws IllegalArgumentException saying why the host is refused, and how to allow it when that is possible
     */
    public void check(String host) {
        refusal(host).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
    }

    /** Why {@code host} is refused, or empty when it may be used; see {@link #check(String)}. */
    public Optional<String> refusal(String host) {
        String shown = host == null ? "" : host.strip();
        if (shown.isEmpty()) {
            return Optional.of("server has no host");
        }
        InetAddress address = HostList.literal(shown);
        if (address != null) {
            return refusal(shown, null, address);
        }
        if (shown.contains(":") || shown.contains("[")) {
            return Optional.of("server host " + shown + " is not a valid IPv6 address");
        }
        String name = HostList.normalizeName(shown);
        if (!HostList.isHostName(name)) {
            return Optional.of("server host " + shown + " is not a valid host name or IP address (IPv4 addresses "
                    + "must be written as four decimal numbers, a.b.c.d)");
        }
        return refusal(shown, name, null);
    }

    /**
     * Checks the address a server host resolved to, when connecting: the address against the networks, and the
     * host name against the names, so a name listed in {@code allowed-hosts} may resolve to a refused network.
     *
     * @throws IllegalArgumentException saying why the connection is refused
     */
    public void checkResolved(String host, InetAddress resolved) {
        String name = host == null || HostList.literal(host) != null ? null : HostList.normalizeName(host.strip());
        refusal(host + " (" + resolved.getHostAddress() + ")", name, resolved).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
    }

    private Optional<String> refusal(String shown, String name, InetAddress address) {
        if (matches(denied, name, address)) {
            return Optional.of("server host " + shown + " is refused by pullbridge.clusters.denied-hosts");
        }
        if (matches(allowed, name, address)) {
            return Optional.empty();
        }
        return BUILT_IN.stream()
                .filter(rule -> matches(rule.hosts(), name, address))
                .findFirst()
                .map(rule -> "server host " + shown + " is " + rule.description() + ALLOW_HINT);
    }

    private static boolean matches(HostList list, String name, InetAddress address) {
        return (name != null && list.matchesName(name)) || (address != null && list.matchesAddress(address));
    }
}
