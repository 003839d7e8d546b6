package io.pullbridge.registry;

import io.pullbridge.clusters.ClustersProperties;
import io.pullbridge.clusters.HostList;
import io.pullbridge.clusters.ServerHostPolicy;
import io.pullbridge.common.AzureProperties;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.springframework.util.unit.DataSize;

/**
 * Where a registry handshake may send a registry login. A container registry names the token service its clients
 * must sign in to (the {@code realm} of its {@code Bearer} challenge), and a client that follows it sends the
 * password there: so a registry, or whoever answers in its place, could name any host and collect the credentials.
 * PullBridge sends them only to the registry's own host (any port) or to a token realm on a host listed in
 * {@value #REALM_HOSTS_PROPERTY} (by default the configured cloud's registry domain, {@code *.azurecr.io} in
 * AzureCloud).
 * <p>
 * The registry and the realm are also held to the cluster host policy ({@link ServerHostPolicy}:
 * {@code pullbridge.clusters.allowed-hosts} and {@code .denied-hosts}; loopback, link-local, unspecified and cloud
 * metadata addresses refused by default), by what their URL says and by every address their name resolves to, checked
 * before connecting; the connection then goes only to those checked addresses, so no second lookup can answer
 * differently.
 */
public final class RegistryDestinations {

    public static final String REALM_HOSTS_PROPERTY = "pullbridge.bindings.token-realm-hosts";

    /** Resolves a host name to its addresses; {@link InetAddress#getAllByName} outside tests. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final ServerHostPolicy addresses;
    private final HostList realmHosts;
    private final List<String> realmHostEntries;
    private final Resolver resolver;

    /**
     * @param addresses       the policy every registry and realm address must pass
     * @param tokenRealmHosts hosts, {@code *.domain} wildcards, IPs or CIDRs a token realm other than the registry
     *                        itself may be on
     */
    public RegistryDestinations(ServerHostPolicy addresses, List<String> tokenRealmHosts) {
        this(addresses, tokenRealmHosts, InetAddress::getAllByName);
    }

    RegistryDestinations(ServerHostPolicy addresses, List<String> tokenRealmHosts, Resolver resolver) {
        this.addresses = Objects.requireNonNull(addresses, "addresses");
        this.realmHostEntries = List.copyOf(tokenRealmHosts);
        this.realmHosts = HostList.parse(REALM_HOSTS_PROPERTY, realmHostEntries);
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** The built-in policy and AzureCloud's registry domain: what a handshake built without configuration uses. */
    public static RegistryDestinations defaults() {
        return new RegistryDestinations(new ServerHostPolicy(new ClustersProperties(List.of(), List.of(),
                DataSize.ofMegabytes(1))), List.of("*.azurecr.io"));
    }

    /** The configured realm hosts, or else the configured cloud's registry domain ({@code *.azurecr.io} and so on). */
    public static RegistryDestinations of(ServerHostPolicy addresses, List<String> configuredRealmHosts,
                                   AzureProperties azure) {
        return new RegistryDestinations(addresses, configuredRealmHosts != null ? configuredRealmHosts
                : List.of("*" + azure.registrySuffix()));
    }

    public List<String> realmHosts() {
        return realmHostEntries;
    }

    /** Why PullBridge does not connect to the registry on {@code host} as written, or empty. Never resolves it. */
    Optional<String> registryRefusal(String host) {
        return addresses.refusal(host).map(reason -> "the registry's " + reason);
    }

    /**
     * Why PullBridge does not send a login for the registry on {@code registryHost} to a token realm on
     * {@code realmHost}, or empty. Never resolves either.
     */
    public Optional<String> realmRefusal(String registryHost, String realmHost) {
        if (!sameHost(registryHost, realmHost) && !realmHosts.matches(realmHost)) {
            return Optional.of("the token realm's host " + realmHost + " is neither the registry's own host ("
                    + registryHost + ") nor listed in " + REALM_HOSTS_PROPERTY + " (" + (realmHostEntries.isEmpty()
                    ? "empty" : String.join(", ", realmHostEntries)) + ")");
        }
        return addresses.refusal(realmHost).map(reason -> "the token realm's " + reason);
    }

    /**
     * The addresses of {@code host}, every one of them checked against the policy: the only addresses a connection
     * to it may use.
     *
     * @throws RefusedAddressException when any of them is refused
     * @throws UnknownHostException    when the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException {
        InetAddress[] resolved = resolver.resolve(host);
        if (resolved == null || resolved.length == 0) {
            throw new UnknownHostException(host);
        }
        for (InetAddress address : resolved) {
            try {
                addresses.checkResolved(host, address);
            } catch (IllegalArgumentException refused) {
                throw new RefusedAddressException(refused.getMessage());
            }
        }
        return List.of(resolved);
    }

    private static boolean sameHost(String a, String b) {
        return normalize(a).equals(normalize(b));
    }

    private static String normalize(String host) {
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /**
     * A name that resolved to an address the policy refuses. An {@link UnknownHostException}, since that is what a
     * name lookup may throw to the HTTP client; the handshake tells it apart.
     */
    static final class RefusedAddressException extends UnknownHostException {

        RefusedAddressException(String reason) {
            super(reason);
        }
    }
}
